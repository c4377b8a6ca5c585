/**
 * POS payments, for each Offline API version (v2, v4) from one table: one pay per order whatever
 * the retries, races and faults; a lost answer settled by checking the orderId, never by paying
 * again; every LINE Pay call authenticated as its version does (v4: signed, no channel secret).
 */
import { evictDurableObject } from "cloudflare:test";
import { advanceClock, PAST_THE_READ_TIMEOUT_MS, PAST_THE_WINDOW_MS, useTestClock } from "../support/clock";
import { fireAlarm, posPayBody } from "../support/flows";
import { describe, expect, it } from "vitest";
import { uniqueId } from "../support/gateway";
import { OFFLINE_VERSIONS, posGateway } from "../support/pos-gateway";

describe.each(OFFLINE_VERSIONS)("POS payments on Offline API %s", (version) => {
  const gw = posGateway(version);

  it("pays with a My Code and sends the device headers", async () => {
    const orderId = uniqueId("pos");
    const res = await gw.pay(await posPayBody(orderId, { deviceProfileId: "till-7" }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orderId, kind: "pos", state: "CAPTURED", amount: 450, currency: "JPY" });
    expect(res.body.transactionId).toMatch(/^\d{19}$/);
    const ledger = (await gw.ledger(orderId)).payments[orderId];
    expect(ledger).toMatchObject({
      captured: 450,
      transactionId: res.body.transactionId,
      deviceProfileId: "till-7",
      deviceType: "POS",
    });
    await gw.expectAuthenticated(orderId);
  });

  it("authorizes, captures and refunds a POS order through the orderId routes", async () => {
    const orderId = uniqueId("pos");
    const auth = await gw.pay(await posPayBody(orderId, { capture: false }));
    expect(auth.body.state).toBe("AUTHORIZED");
    const cap = await gw.call("POST", `/v1/payments/${orderId}/capture`, {
      body: { amount: 450, currency: "JPY" },
    });
    expect(cap.status).toBe(200);
    expect(cap.body.state).toBe("CAPTURED");
    const ref = await gw.call("POST", `/v1/payments/${orderId}/refund`, {
      body: {},
      headers: { "Idempotency-Key": "all" },
    });
    expect(ref.body).toMatchObject({ state: "REFUNDED", refundedAmount: 450 });
    expect((await gw.ledger(orderId)).payments[orderId]).toMatchObject({ captured: 450, refunded: 450 });
    const calls = await gw.calls(orderId);
    expect(calls).toMatchObject({ "pos.pay": 1, "pos.capture": 1, "pos.refund": 1 });
    await gw.expectAuthenticated(orderId);
  });

  it("makes exactly one upstream pay for 200 concurrent identical pays", async () => {
    const orderId = uniqueId("pos");
    const body = await posPayBody(orderId);
    await gw.fault("pos.pay", { type: "delay", ms: 300 }, orderId);
    const answers = await Promise.all(Array.from({ length: 200 }, () => gw.pay(body)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    for (const a of answers.filter((a) => a.status === 200)) expect(a.body.state).toBe("CAPTURED");
    expect((await gw.calls(orderId))["pos.pay"]).toBe(1);
    expect((await gw.ledger(orderId)).payments[orderId].captured).toBe(450);
  });

  it("settles a pay whose answer was dropped after processing from the status check", async () => {
    const orderId = uniqueId("pos");
    await gw.fault("pos.pay", { type: "drop" }, orderId);
    const res = await gw.pay(await posPayBody(orderId));
    expect(res.status).toBe(200);
    expect(res.body.state).toBe("CAPTURED");
    const calls = await gw.calls(orderId);
    expect(calls["pos.pay"]).toBe(1);
    expect(calls["pos.check"]).toBeGreaterThanOrEqual(1);
    await gw.expectAuthenticated(orderId);
  });

  it("settles by alarm when the status check cannot answer in the request", async () => {
    const orderId = uniqueId("pos");
    const res = await gw.payUnknown(orderId);
    expect(res.status).toBe(202);
    expect(res.body.state).toBe("UNKNOWN");
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    // A new pay for an UNKNOWN order never reaches LINE Pay.
    const otherPay = await gw.pay(await posPayBody(orderId));
    expect(otherPay.status).toBe(422);
    expect((await gw.calls(orderId))["pos.pay"]).toBe(1);

    expect(await fireAlarm(gw.stub(orderId))).toBe(true);
    const seen = await gw.view(orderId);
    expect(seen.body.state).toBe("CAPTURED");
    expect((await gw.calls(orderId))["pos.pay"]).toBe(1);
  });

  it("schedules the next check when an alarm cannot settle the order either", async () => {
    const orderId = uniqueId("pos");
    await gw.fault("pos.pay", { type: "drop" }, orderId);
    await gw.fault("pos.check", { type: "http", status: 500 }, orderId, 2);
    expect((await gw.pay(await posPayBody(orderId))).status).toBe(202);
    expect(await fireAlarm(gw.stub(orderId))).toBe(true);
    expect((await gw.view(orderId)).body.state).toBe("UNKNOWN");
    // The first alarm failed too: a second one must have been set.
    expect(await fireAlarm(gw.stub(orderId))).toBe(true);
    const seen = await gw.view(orderId);
    expect(seen.body.state).toBe("CAPTURED");
    expect(
      seen.body.events.filter((e: { operation: string }) => e.operation === "pos.check").length,
    ).toBeGreaterThanOrEqual(2);
    expect((await gw.calls(orderId))["pos.pay"]).toBe(1);
    // Settled: nothing left to check.
    expect(await fireAlarm(gw.stub(orderId))).toBe(false);
  });

  it("keeps checking by alarm when the status check itself times out, also across a restart", async () => {
    const orderId = uniqueId("pos");
    const body = await posPayBody(orderId);
    await gw.fault("pos.pay", { type: "delay", ms: PAST_THE_READ_TIMEOUT_MS }, orderId);
    await gw.fault("pos.check", { type: "delay", ms: PAST_THE_READ_TIMEOUT_MS }, orderId);
    const res = await gw.pay(body);
    expect(res.status).toBe(202);
    const same = await gw.pay(body);
    expect([200, 202]).toContain(same.status);
    expect((await gw.calls(orderId))["pos.pay"]).toBe(1);
    await evictDurableObject(gw.stub(orderId));
    await fireAlarm(gw.stub(orderId));
    const seen = await gw.view(orderId);
    expect(seen.body.state).toBe("CAPTURED");
    expect((await gw.calls(orderId))["pos.pay"]).toBe(1);
  });

  it("settles FAILED without a second pay when LINE Pay never processed the pay, only once it cannot be running", async () => {
    useTestClock();
    const orderId = uniqueId("pos");
    await gw.fault("pos.pay", { type: "http", status: 500, phase: "before" }, orderId);
    const res = await gw.pay(await posPayBody(orderId));
    // An HTTP 500 says nothing about whether LINE Pay processed the pay: not yet known.
    expect(res.status).toBe(202);
    expect(res.body.state).toBe("UNKNOWN");
    advanceClock(PAST_THE_WINDOW_MS);
    await fireAlarm(gw.stub(orderId));
    const seen = await gw.view(orderId);
    expect(seen.body.state).toBe("FAILED");
    const replay = await gw.pay(await posPayBody(orderId));
    expect(replay.status).toBe(422);
    expect((await gw.calls(orderId))["pos.pay"]).toBe(1);
    expect((await gw.ledger(orderId)).payments[orderId]).toBeUndefined();
  });

  it("answers a decline with 402 and replays it without calling LINE Pay", async () => {
    const orderId = uniqueId("pos");
    const body = await posPayBody(orderId);
    await gw.fault(
      "pos.pay",
      { type: "returnCode", returnCode: "1101", returnMessage: "Purchaser status error" },
      orderId,
    );
    const first = await gw.pay(body);
    expect(first.status).toBe(402);
    expect(first.body).toMatchObject({ code: "payment_declined", returnCode: "1101", orderId });
    const again = await gw.pay(body);
    expect(again.status).toBe(402);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await gw.calls(orderId))["pos.pay"]).toBe(1);
  });

  it("refunds a POS payment whose payInfo total differs", async () => {
    const orderId = uniqueId("pos");
    await gw.fault("pos.pay", { type: "payAmount", amount: 400 }, orderId);
    const res = await gw.pay(await posPayBody(orderId));
    expect(res.status).toBe(502);
    expect(res.body.code).toBe("amount_mismatch");
    expect((await gw.ledger(orderId)).payments[orderId]).toMatchObject({ captured: 400, refunded: 400 });
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
    const body = { ...(await posPayBody(orderId)), ...patch };
    const res = await gw.pay(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_request");
    expect((await gw.calls(orderId))["pos.pay"] ?? 0).toBe(0);
    expect((await gw.view(orderId)).status).toBe(404);
  });

  it("refuses junk JSON with 400", async () => {
    const res = await gw.call("POST", "/v1/pos/payments", { rawBody: '{"orderId": ', scope: "pos" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_request");
  });
});
