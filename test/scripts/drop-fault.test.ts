/**
 * The sandbox's "drop" fault under `npm start`: wrangler's dev proxy stands between the gateway
 * and the sandbox, and the gateway must still meet a dropped connection (the demo's "lose LINE
 * Pay's answer" says so), not an HTTP 500 the proxy made of it. The dropped stream is the fault
 * working, so `npm start` prints none of workerd's error lines about it.
 */
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../browser/stack";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(() => stack?.stop());

const token = () =>
  new SignJWT({ scope: "pos" })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience("linepay-gateway")
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(stack.info.jwtSecret));

async function sandbox(path: string, body?: unknown) {
  const res = await fetch(`${stack.info.sandbox}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json() as Promise<Record<string, unknown>>;
}

describe("a dropped answer under npm start", () => {
  it("reaches the gateway as a dropped connection, and is not printed as an error", async () => {
    const orderId = `drop-${crypto.randomUUID()}`;
    await sandbox("/__sandbox/faults", { operation: "pos.pay", orderId, fault: { type: "drop" } });
    const { oneTimeKey } = await sandbox("/__sandbox/one-time-keys", {});
    const auth = { Authorization: `Bearer ${await token()}`, "Content-Type": "application/json" };
    const paid = await fetch(`${stack.info.gateway}/v1/pos/payments`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ productName: "Tea", amount: 100, currency: "TWD", orderId, oneTimeKey }),
    });
    expect(paid.status).toBe(200);
    const order = (await (await fetch(`${stack.info.gateway}/v1/payments/${orderId}`, { headers: auth })).json()) as {
      state: string;
      events: { outcome: string; detail?: string }[];
    };
    expect(order.state).toBe("CAPTURED");
    const lost = order.events.find((e) => e.outcome === "answer_lost");
    expect(lost?.detail).toMatch(/^network/);
    expect(lost?.detail).not.toMatch(/HTTP 5\d\d/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const printed = stack.output();
    expect(printed).not.toContain("connection dropped on purpose");
    expect(printed).not.toMatch(/Uncaught/);
  });
});
