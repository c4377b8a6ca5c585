/**
 * POS payments (Offline API v2): one pay per order whatever the retries, races and faults; a
 * lost answer settled by checking the orderId, never by paying again.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { advanceClock, PAST_THE_READ_TIMEOUT_MS, PAST_THE_WINDOW_MS, useTestClock } from "../support/clock";
import { fireAlarm, posPay, posPayBody } from "../support/flows";
import { describe, expect, it } from "vitest";
import { call, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";

const stubFor = (orderId: string) => env.ORDERS.getByName(`order:${orderId}`);

const pay = posPay;
const posBody = posPayBody;

describe("POS payments", () => {
  it("pays with a My Code and sends the device headers", async () => {
    const orderId = uniqueId("pos");
    const res = await pay(await posBody(orderId, { deviceProfileId: "till-7" }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orderId, kind: "pos", state: "CAPTURED", amount: 450, currency: "JPY" });
    expect(res.body.transactionId).toMatch(/^\d{19}$/);
    const ledger = (await sandbox.ledger(orderId)).payments[orderId];
    expect(ledger).toMatchObject({
      captured: 450,
      transactionId: res.body.transactionId,
      deviceProfileId: "till-7",
      deviceType: "POS",
    });
  });

  it("authorizes, captures and refunds a POS order through the orderId routes", async () => {
    const orderId = uniqueId("pos");
    const auth = await pay(await posBody(orderId, { capture: false }));
    expect(auth.body.state).toBe("AUTHORIZED");
    const cap = await call("POST", `/v1/payments/${orderId}/capture`, {
      body: { amount: 450, currency: "JPY" },
      scope: "pos",
    });
    expect(cap.status).toBe(200);
    expect(cap.body.state).toBe("CAPTURED");
    const ref = await call("POST", `/v1/payments/${orderId}/refund`, {
      body: {},
      headers: { "Idempotency-Key": "all" },
      scope: "pos",
    });
    expect(ref.body).toMatchObject({ state: "REFUNDED", refundedAmount: 450 });
    expect((await sandbox.ledger(orderId)).payments[orderId]).toMatchObject({ captured: 450, refunded: 450 });
    const calls = await sandbox.calls({ orderId });
    expect(calls).toMatchObject({ "pos.pay": 1, "pos.capture": 1, "pos.refund": 1 });
  });

  it("makes exactly one upstream pay for 200 concurrent identical pays", async () => {
    const orderId = uniqueId("pos");
    const body = await posBody(orderId);
    await sandbox.fault("pos.pay", { type: "delay", ms: 300 }, orderId);
    const answers = await Promise.all(Array.from({ length: 200 }, () => pay(body)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    for (const a of answers.filter((a) => a.status === 200)) expect(a.body.state).toBe("CAPTURED");
    expect((await sandbox.calls({ orderId }))["pos.pay"]).toBe(1);
    expect((await sandbox.ledger(orderId)).payments[orderId].captured).toBe(450);
  });

  it("settles a pay whose answer was dropped after processing from the status check", async () => {
    const orderId = uniqueId("pos");
    await sandbox.fault("pos.pay", { type: "drop" }, orderId);
    const res = await pay(await posBody(orderId));
    expect(res.status).toBe(200);
    expect(res.body.state).toBe("CAPTURED");
    const calls = await sandbox.calls({ orderId });
    expect(calls["pos.pay"]).toBe(1);
    expect(calls["pos.check"]).toBeGreaterThanOrEqual(1);
  });

  it("settles by alarm when the status check cannot answer in the request", async () => {
    const orderId = uniqueId("pos");
    await sandbox.fault("pos.pay", { type: "drop" }, orderId);
    await sandbox.fault("pos.check", { type: "http", status: 500 }, orderId);
    const res = await pay(await posBody(orderId));
    expect(res.status).toBe(202);
    expect(res.body.state).toBe("UNKNOWN");
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    // A new pay for an UNKNOWN order never reaches LINE Pay.
    const otherPay = await pay(await posBody(orderId));
    expect(otherPay.status).toBe(422);
    expect((await sandbox.calls({ orderId }))["pos.pay"]).toBe(1);

    expect(await fireAlarm(stubFor(orderId))).toBe(true);
    const seen = await call("GET", `/v1/payments/${orderId}`, { scope: "pos" });
    expect(seen.body.state).toBe("CAPTURED");
    expect((await sandbox.calls({ orderId }))["pos.pay"]).toBe(1);
  });

  it("schedules the next check when an alarm cannot settle the order either", async () => {
    const orderId = uniqueId("pos");
    await sandbox.fault("pos.pay", { type: "drop" }, orderId);
    await sandbox.fault("pos.check", { type: "http", status: 500 }, orderId, 2);
    expect((await pay(await posBody(orderId))).status).toBe(202);
    expect(await fireAlarm(stubFor(orderId))).toBe(true);
    expect((await call("GET", `/v1/payments/${orderId}`, { scope: "pos" })).body.state).toBe("UNKNOWN");
    // The first alarm failed too: a second one must have been set.
    expect(await fireAlarm(stubFor(orderId))).toBe(true);
    const seen = await call("GET", `/v1/payments/${orderId}`, { scope: "pos" });
    expect(seen.body.state).toBe("CAPTURED");
    expect(
      seen.body.events.filter((e: { operation: string }) => e.operation === "pos.check").length,
    ).toBeGreaterThanOrEqual(2);
    expect((await sandbox.calls({ orderId }))["pos.pay"]).toBe(1);
    // Settled: nothing left to check.
    expect(await fireAlarm(stubFor(orderId))).toBe(false);
  });

  it("keeps checking by alarm when the status check itself times out, also across a restart", async () => {
    const orderId = uniqueId("pos");
    const body = await posBody(orderId);
    await sandbox.fault("pos.pay", { type: "delay", ms: PAST_THE_READ_TIMEOUT_MS }, orderId);
    await sandbox.fault("pos.check", { type: "delay", ms: PAST_THE_READ_TIMEOUT_MS }, orderId);
    const res = await pay(body);
    expect(res.status).toBe(202);
    const same = await pay(body);
    expect([200, 202]).toContain(same.status);
    expect((await sandbox.calls({ orderId }))["pos.pay"]).toBe(1);
    await evictDurableObject(stubFor(orderId));
    await fireAlarm(stubFor(orderId));
    const seen = await call("GET", `/v1/payments/${orderId}`, { scope: "pos" });
    expect(seen.body.state).toBe("CAPTURED");
    expect((await sandbox.calls({ orderId }))["pos.pay"]).toBe(1);
  });

  it("settles FAILED without a second pay when LINE Pay never processed the pay, only once it cannot be running", async () => {
    useTestClock();
    const orderId = uniqueId("pos");
    await sandbox.fault("pos.pay", { type: "http", status: 500, phase: "before" }, orderId);
    const res = await pay(await posBody(orderId));
    // An HTTP 500 says nothing about whether LINE Pay processed the pay: not yet known.
    expect(res.status).toBe(202);
    expect(res.body.state).toBe("UNKNOWN");
    advanceClock(PAST_THE_WINDOW_MS);
    await fireAlarm(stubFor(orderId));
    const seen = await call("GET", `/v1/payments/${orderId}`, { scope: "pos" });
    expect(seen.body.state).toBe("FAILED");
    const replay = await pay(await posBody(orderId));
    expect(replay.status).toBe(422);
    expect((await sandbox.calls({ orderId }))["pos.pay"]).toBe(1);
    expect((await sandbox.ledger(orderId)).payments[orderId]).toBeUndefined();
  });

  it("answers a decline with 402 and replays it without calling LINE Pay", async () => {
    const orderId = uniqueId("pos");
    const body = await posBody(orderId);
    await sandbox.fault(
      "pos.pay",
      { type: "returnCode", returnCode: "1101", returnMessage: "Purchaser status error" },
      orderId,
    );
    const first = await pay(body);
    expect(first.status).toBe(402);
    expect(first.body).toMatchObject({ code: "payment_declined", returnCode: "1101", orderId });
    const again = await pay(body);
    expect(again.status).toBe(402);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await sandbox.calls({ orderId }))["pos.pay"]).toBe(1);
  });

  it("refunds a POS payment whose payInfo total differs", async () => {
    const orderId = uniqueId("pos");
    await sandbox.fault("pos.pay", { type: "payAmount", amount: 400 }, orderId);
    const res = await pay(await posBody(orderId));
    expect(res.status).toBe(502);
    expect(res.body.code).toBe("amount_mismatch");
    expect((await sandbox.ledger(orderId)).payments[orderId]).toMatchObject({ captured: 400, refunded: 400 });
  });

  it.each([
    ["a missing oneTimeKey", { oneTimeKey: undefined }],
    ["a non-digit oneTimeKey", { oneTimeKey: "12345678901a" }],
    ["a 13-digit oneTimeKey", { oneTimeKey: "1234567890123" }],
    ["a negative amount", { amount: -1 }],
    ["a fractional JPY amount", { amount: 1.5 }],
    ["an unknown currency", { currency: "EUR" }],
    ["a 101-character orderId", { orderId: "x".repeat(101) }],
  ])("refuses %s with 400 and no upstream call", async (_name, patch) => {
    const orderId = uniqueId("pos");
    const body = { ...(await posBody(orderId)), ...patch };
    const res = await pay(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_request");
    expect((await sandbox.calls({ orderId }))["pos.pay"] ?? 0).toBe(0);
    expect((await call("GET", `/v1/payments/${orderId}`, { scope: "pos" })).status).toBe(404);
  });

  it("refuses junk JSON with 400", async () => {
    const res = await call("POST", "/v1/pos/payments", { rawBody: '{"orderId": ', scope: "pos" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_request");
  });
});
