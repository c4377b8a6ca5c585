/**
 * The demo shop's events endpoint under `npm start`: what a merchant's receiver does with the
 * gateway's events. Deliveries are signed here with the `standardwebhooks` package under the
 * secret `npm start` gave the gateway (and the demo); the page lists each verified event once
 * per webhook-id, counts redeliveries, and marks (and refuses with 401) one that does not verify.
 */
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { callerToken, stack } from "./helpers";

async function post(id: string, body: string, signature?: string) {
  const now = new Date();
  const res = await fetch(`${stack().demo}/events`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature ?? new Webhook(stack().eventsSecret).sign(id, now, body),
    },
    body,
  });
  return res.status;
}

const rowsOf = async (id: string) => {
  const { html } = (await (await fetch(`${stack().demo}/api/events`)).json()) as { html: string };
  return html.split("<tr").filter((row) => row.includes(`data-id="${id}"`));
};

describe("the demo shop's events page", () => {
  it("is where npm start points the gateway's events, with settings the gateway accepts", async () => {
    const health = await fetch(`${stack().gateway}/healthz`);
    expect(health.status).toBe(200);
    expect(stack().eventsSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it("verifies, keeps once per webhook-id, counts redeliveries, and marks a forgery", async () => {
    const id = `evt_${crypto.randomUUID()}`;
    const orderId = `pos-${crypto.randomUUID()}`;
    const body = JSON.stringify({
      id,
      type: "payment.captured",
      createdAt: new Date().toISOString(),
      sequence: 4,
      data: { orderId, state: "CAPTURED" },
    });
    expect(await post(id, body)).toBe(204);
    expect(await post(id, body)).toBe(204);
    expect(await post(id, body, "v1,bm90IGEgc2lnbmF0dXJl")).toBe(401);

    const rows = await rowsOf(id);
    expect(rows).toHaveLength(2);
    const [forged, real] = [rows.find((r) => r.includes(">no<")), rows.find((r) => r.includes(">yes<"))];
    expect(real).toContain("payment.captured");
    expect(real).toContain(`href="/orders/${orderId}"`);
    expect(real).toContain("<td>4</td>");
    expect(real).toContain("×2");
    expect(forged).toBeDefined();
    expect(forged).not.toContain("×2");

    const page = await (await fetch(`${stack().demo}/events`)).text();
    expect(page).toContain("Events from the gateway");
    expect(page).toContain(id);
  });
});

describe("the gateway's own events reaching the demo", () => {
  it("shows a POS payment made through the gateway as payment.captured, verified", async () => {
    const orderId = `pos-${crypto.randomUUID()}`;
    const { oneTimeKey } = (await (
      await fetch(`${stack().sandbox}/__sandbox/one-time-keys`, { method: "POST" })
    ).json()) as { oneTimeKey: string };
    const paid = await fetch(`${stack().gateway}/v1/pos/payments`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await callerToken("pos")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ productName: "Tea", amount: 120, currency: "TWD", orderId, oneTimeKey }),
    });
    expect(paid.status).toBe(200);
    await expect
      .poll(
        async () => {
          const { html } = (await (await fetch(`${stack().demo}/api/events`)).json()) as { html: string };
          return html.split("<tr").find((row) => row.includes(`href="/orders/${orderId}"`)) ?? "";
        },
        { timeout: 20_000, interval: 250 },
      )
      .toMatch(/payment\.captured[\s\S]*>yes</);
  });
});
