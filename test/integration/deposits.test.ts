/**
 * Partner deposits: money to a person cannot be taken back, so each depositId makes exactly
 * one transfer, whatever the redeliveries, races and lost answers.
 */
import { describe, expect, it } from "vitest";
import { call, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";
import { deliver } from "../support/webhooks";

const depositBody = (depositId: string, extra: Record<string, unknown> = {}) => ({
  depositId,
  linePayNumber: "09012345678",
  amount: 3000,
  currency: "JPY",
  message: "Campaign reward",
  ...extra,
});

const deposit = (body: unknown) => call("POST", "/v1/deposits", { body, scope: "deposits" });

describe("deposits", () => {
  it("sends one deposit and shows it with its events", async () => {
    const depositId = uniqueId("dep");
    const res = await deposit(depositBody(depositId));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ depositId, state: "COMPLETED", amount: 3000, fee: 50 });
    expect(res.body.transactionId).toMatch(/^\d{19}$/);
    const seen = await call("GET", `/v1/deposits/${depositId}`, { scope: "deposits" });
    expect(seen.body.state).toBe("COMPLETED");
    expect(seen.body.events.length).toBeGreaterThan(0);
    expect((await sandbox.ledger(depositId)).deposits[depositId]).toMatchObject({ amount: 3000 });
  });

  it("makes one transfer for 100 concurrent identical requests", async () => {
    const depositId = uniqueId("dep");
    await sandbox.fault("deposit", { type: "delay", ms: 200 }, depositId);
    const answers = await Promise.all(Array.from({ length: 100 }, () => deposit(depositBody(depositId))));
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    expect((await sandbox.calls({ orderId: depositId })).deposit).toBe(1);
  });

  it("completes a deposit whose answer was dropped, with exactly one transfer", async () => {
    const depositId = uniqueId("dep");
    await sandbox.fault("deposit", { type: "drop" }, depositId);
    const res = await deposit(depositBody(depositId));
    expect(res.status).toBe(200);
    expect(res.body.state).toBe("COMPLETED");
    const seen = await call("GET", `/v1/deposits/${depositId}`, { scope: "deposits" });
    expect(seen.body.events.some((e: { returnCode?: string }) => e.returnCode === "1172")).toBe(true);
    const ledger = await sandbox.ledger(depositId);
    expect(ledger.deposits[depositId].amount).toBe(3000);
    expect(Object.keys(ledger.deposits).filter((k) => k === depositId)).toHaveLength(1);
  });

  it("answers user-side refusals with 402 and merchant-side ones with 502, replayed", async () => {
    const a = uniqueId("dep");
    await sandbox.fault("deposit", { type: "returnCode", returnCode: "1101" }, a);
    const declined = await deposit(depositBody(a));
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ code: "payment_declined", returnCode: "1101", depositId: a });
    const b = uniqueId("dep");
    await sandbox.fault("deposit", { type: "returnCode", returnCode: "1142" }, b);
    const broke = await deposit(depositBody(b));
    expect(broke.status).toBe(502);
    expect(broke.body).toMatchObject({ code: "upstream_error", returnCode: "1142" });
    const again = await deposit(depositBody(b));
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await sandbox.calls({ orderId: b })).deposit).toBe(1);
  });

  it.each([
    ["a 10-digit LINE Pay number", { linePayNumber: "0901234567" }],
    ["letters in the LINE Pay number", { linePayNumber: "0901234567a" }],
    ["a 3-digit phoneLast4", { phoneLast4: "123" }],
    ["a fractional amount", { amount: 10.5 }],
    ["a zero amount", { amount: 0 }],
    ["USD", { currency: "USD" }],
    ["a 101-character message", { message: "m".repeat(101) }],
    ["a 101-character depositId", { depositId: "d".repeat(101) }],
  ])("refuses %s with 400 and no upstream call", async (_name, patch) => {
    const depositId = uniqueId("dep");
    const res = await deposit({ ...depositBody(depositId), ...patch });
    expect(res.status).toBe(400);
    expect((await sandbox.calls({ orderId: depositId })).deposit ?? 0).toBe(0);
  });
});

describe("deposit webhooks", () => {
  it("makes one transfer for a webhook delivered three times, answering each with the deposit", async () => {
    const id = `msg_${crypto.randomUUID()}`;
    const body = JSON.stringify({
      type: "deposit.requested",
      data: { linePayNumber: "09087654321", amount: 500, currency: "JPY" },
    });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await deliver({ id, body }));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ depositId: id, state: "COMPLETED", amount: 500 });
    }
    expect((await sandbox.calls({ orderId: id })).deposit).toBe(1);
  });

  type Tamper = {
    signature?: string;
    secret?: string;
    skew?: number;
    omit?: ("webhook-id" | "webhook-timestamp" | "webhook-signature")[];
  };
  it.each<[string, Tamper]>([
    ["a bad signature", { signature: "v1,AAAA" }],
    ["an unknown secret", { secret: `whsec_${btoa("not the configured secret at all!")}` }],
    ["a stale timestamp", { skew: -301 }],
    ["a future timestamp", { skew: 301 }],
    ["no webhook-id", { omit: ["webhook-id"] }],
    ["no webhook-signature", { omit: ["webhook-signature"] }],
    ["no webhook-timestamp", { omit: ["webhook-timestamp"] }],
  ])("answers 401 to %s and makes no transfer", async (_name, patch) => {
    const id = `msg_${crypto.randomUUID()}`;
    const body = JSON.stringify({
      type: "deposit.requested",
      data: { linePayNumber: "09087654321", amount: 500, currency: "JPY" },
    });
    const { skew, ...rest } = patch;
    // Timestamps are taken now, inside the test: workerd's clock does not run at module load.
    const timestamp = skew === undefined ? undefined : Math.floor(Date.now() / 1000) + skew;
    const res = await deliver({ id, body, ...rest, ...(timestamp === undefined ? {} : { timestamp }) });
    expect(res.status).toBe(401);
    expect((await sandbox.calls({ orderId: id })).deposit ?? 0).toBe(0);
  });

  it("rejects a body changed by one byte after signing", async () => {
    const id = `msg_${crypto.randomUUID()}`;
    const body = JSON.stringify({
      type: "deposit.requested",
      data: { linePayNumber: "09087654321", amount: 500, currency: "JPY" },
    });
    const { signWebhook } = await import("../support/webhooks");
    const { env } = await import("cloudflare:workers");
    const ts = Math.floor(Date.now() / 1000);
    const signature = await signWebhook(env.DEPOSIT_WEBHOOK_SECRET, id, ts, body);
    const res = await deliver({ id, timestamp: ts, body: body.replace("500", "900"), signature });
    expect(res.status).toBe(401);
    expect((await sandbox.calls({ orderId: id })).deposit ?? 0).toBe(0);
  });
});
