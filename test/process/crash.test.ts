/**
 * A real crash: the gateway's runtime (wrangler dev and its workerd) is SIGKILLed while POS pays
 * and confirms are in flight at a LINE Pay that goes on processing them (the sandbox, a process
 * of its own, finishes them after the caller died). The gateway is started again on the same
 * state folder, and nobody asks about half of the orders. Every charge the sandbox made must end
 * CAPTURED with its transactionId, none twice, none UNKNOWN, and the orders nobody asked about
 * must have been looked up at LINE Pay by the gateway on its own (its write-ahead alarms). The
 * merchant hears of each settled charge: its `payment.captured` event reaches a receiver (a
 * plain Node server here, verifying with `standardwebhooks`), though the change happened after
 * the crash that cut the call off.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { freshSecrets, startRuntime, twoPorts, writeEnvFile, type Runtime } from "./runtime";

const dir = mkdtempSync(join(tmpdir(), "linepay-crash-"));
const running: Runtime[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.kill()));
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const POS_TIMEOUT_MS = 3_000;
const TIMEOUT_MS = 2_000;
/** LINE Pay finishes each call this long after it arrived: after the gateway is dead. */
const LINE_PAY_LATE_MS = 2_500;
const PAYS = 8;
const CONFIRMS = 4;

describe("a gateway killed mid-call", () => {
  it("recovers every order after a restart, the ones nobody asks about by itself", async () => {
    const secrets = freshSecrets();
    const ports = await twoPorts();
    const sandboxEnv = writeEnvFile(join(dir, "sandbox.env"), {
      LINEPAY_CHANNEL_ID: secrets.LINEPAY_CHANNEL_ID,
      LINEPAY_CHANNEL_SECRET: secrets.LINEPAY_CHANNEL_SECRET,
    });
    // The merchant's events endpoint: every delivery verified as it arrives.
    const told: { type: string; orderId: string; state: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        try {
          const event = new Webhook(secrets.EVENTS_WEBHOOK_SECRET).verify(
            body,
            req.headers as Record<string, string>,
          ) as { type: string; data: { orderId: string; state: string } };
          told.push({ type: event.type, orderId: event.data.orderId, state: event.data.state });
          res.writeHead(204).end();
        } catch {
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((ready) => receiver.listen(0, "127.0.0.1", ready));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;
    const gatewayEnv = writeEnvFile(join(dir, "gateway.env"), { ...secrets });
    const sandbox = await startRuntime({
      config: "sandbox/wrangler.toml",
      port: ports.sandbox,
      persistTo: join(dir, "sandbox-state"),
      envFile: sandboxEnv,
    });
    running.push(sandbox);
    const gatewayOptions = {
      port: ports.gateway,
      persistTo: join(dir, "gateway-state"),
      envFile: gatewayEnv,
      vars: {
        LINEPAY_API_BASE: sandbox.url,
        LINEPAY_POS_TIMEOUT_MS: String(POS_TIMEOUT_MS),
        LINEPAY_TIMEOUT_MS: String(TIMEOUT_MS),
        EVENTS_WEBHOOK_URL: receiverUrl,
      },
    };
    let gateway = await startRuntime(gatewayOptions);
    running.push(gateway);

    const jwt = await new SignJWT({ scope: "payments pos" })
      .setProtectedHeader({ alg: "HS256" })
      .setAudience("linepay-gateway")
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(secrets.AUTH_JWT_SECRET));
    const headers = { Authorization: `Bearer ${jwt}`, "Content-Type": "application/json" };
    const gw = (path: string, body?: unknown) =>
      fetch(`${gateway.url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const sb = async (path: string, body?: unknown): Promise<any> =>
      (
        await fetch(`${sandbox.url}${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: { "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
      ).json();

    // Reservations approved by the customer, whose confirm will be cut off.
    const confirms: string[] = [];
    for (let i = 0; i < CONFIRMS; i++) {
      const orderId = `crash-confirm-${i}-${crypto.randomUUID()}`;
      const reserved = await gw("/v1/payments", {
        amount: 500,
        currency: "TWD",
        orderId,
        packages: [{ id: "p", amount: 500, products: [{ name: "Tea", quantity: 1, price: 500 }] }],
        redirectUrls: { confirmUrl: "https://shop.example/ok", cancelUrl: "https://shop.example/no" },
      });
      expect(reserved.status).toBe(201);
      await sb(
        `/__sandbox/reservations/${((await reserved.json()) as { transactionId: string }).transactionId}/approve`,
        {},
      );
      confirms.push(orderId);
    }
    const pays = Array.from({ length: PAYS }, (_, i) => `crash-pos-${i}-${crypto.randomUUID()}`);
    for (const orderId of pays) {
      await sb("/__sandbox/faults", {
        operation: "pos.pay",
        orderId,
        fault: { type: "delay", ms: LINE_PAY_LATE_MS, phase: "before" },
      });
    }
    for (const orderId of confirms) {
      await sb("/__sandbox/faults", {
        operation: "confirm",
        orderId,
        fault: { type: "delay", ms: LINE_PAY_LATE_MS, phase: "before" },
      });
    }

    // All calls in flight at once; none will be answered.
    const calls = pays.map(async (orderId) => {
      const { oneTimeKey } = await sb("/__sandbox/one-time-keys", {});
      return gw("/v1/pos/payments", { productName: "Coffee", amount: 120, currency: "TWD", orderId, oneTimeKey }).catch(
        () => undefined,
      );
    });
    const confirmCalls = confirms.map((orderId) =>
      gw(`/v1/payments/${orderId}/confirm`, { amount: 500, currency: "TWD" }).catch(() => undefined),
    );
    const all = [...pays, ...confirms];
    const arrived = async () => {
      const counts = await Promise.all(all.map((orderId) => sb(`/__sandbox/calls?orderId=${orderId}`)));
      return counts.every((c) => (c.calls["pos.pay"] ?? 0) + (c.calls.confirm ?? 0) >= 1);
    };
    for (let i = 0; i < 100 && !(await arrived()); i++) await sleep(50);
    expect(await arrived()).toBe(true);

    // The crash: every process of the gateway's runtime, at once.
    await gateway.kill();
    await Promise.all([...calls, ...confirmCalls]);
    const killedAt = Date.now();
    // LINE Pay goes on: every payment is made after the gateway died.
    expect((await sb("/__sandbox/idle")).idle).toBe(true);
    const ledger = await sb("/__sandbox/ledger");
    for (const orderId of all) expect(ledger.payments[orderId]?.status, orderId).toBe("CAPTURE");

    gateway = await startRuntime(gatewayOptions);
    running.push(gateway);
    const restartedAt = Date.now();

    // Nobody asks about the even orders: the gateway must look them up on its own.
    const untouched = all.filter((_, i) => i % 2 === 0);
    const asked = all.filter((_, i) => i % 2 === 1);
    // The odd ones are asked about at once, as a till polling for its answer would.
    await Promise.all(asked.map((orderId) => gw(`/v1/payments/${orderId}`)));
    const lookedUp = async (orderId: string) => {
      const c = (await sb(`/__sandbox/calls?orderId=${orderId}`)).calls;
      return (c["pos.check"] ?? 0) + (c.details ?? 0) > 0;
    };
    const deadline = restartedAt + POS_TIMEOUT_MS + 30_000;
    while (Date.now() < deadline && !(await Promise.all(untouched.map(lookedUp))).every(Boolean)) await sleep(250);
    const recoveredIn = Date.now() - restartedAt;
    for (const orderId of untouched) expect(await lookedUp(orderId), `${orderId} was never looked up`).toBe(true);

    // Now look at every order through the gateway.
    const seen = async (orderId: string) =>
      (await (await gw(`/v1/payments/${orderId}`)).json()) as Record<string, unknown>;
    for (let i = 0; i < 60; i++) {
      const states = await Promise.all(all.map(async (orderId) => (await seen(orderId)).state));
      if (states.every((s) => s === "CAPTURED")) break;
      await sleep(500);
    }
    const final = await sb("/__sandbox/ledger");
    for (const orderId of all) {
      const order = await seen(orderId);
      expect(order.state, orderId).toBe("CAPTURED");
      expect(order.transactionId, orderId).toBe(final.payments[orderId].transactionId);
      const c = (await sb(`/__sandbox/calls?orderId=${orderId}`)).calls;
      expect((c["pos.pay"] ?? 0) + (c.confirm ?? 0), `${orderId}: money calls`).toBe(1);
    }
    // Every charge made behind the crash is told to the merchant, once settled.
    for (
      let i = 0;
      i < 60 && !all.every((id) => told.some((t) => t.orderId === id && t.type === "payment.captured"));
      i++
    )
      await sleep(500);
    for (const orderId of all)
      expect(
        told.filter((t) => t.orderId === orderId && t.type === "payment.captured"),
        orderId,
      ).toHaveLength(1);
    receiver.close();
    console.info(
      `crash test: ${all.length} orders cut off (${PAYS} POS pays, ${CONFIRMS} confirms); the ${untouched.length} nobody asked about were looked up within ${recoveredIn} ms of the restart (${restartedAt - killedAt} ms to restart)`,
    );
  }, 240_000);
});
