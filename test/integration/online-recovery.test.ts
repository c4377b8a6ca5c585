/**
 * Lost answers on the online flow: the gateway never guesses. It records UNKNOWN, asks LINE
 * Pay, and settles from LINE Pay's answer, in the request or later by alarm, also after the
 * object restarts.
 */
import { env } from "cloudflare:workers";
import { abortAllDurableObjects, evictDurableObject } from "cloudflare:test";
import { advanceClock, PAST_THE_READ_TIMEOUT_MS, PAST_THE_WINDOW_MS, useTestClock } from "../support/clock";
import { fireAlarm } from "../support/flows";
import { describe, expect, it } from "vitest";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";

const stubFor = (orderId: string) => env.ORDERS.getByName(`order:${orderId}`);

async function approved(orderId: string, amount = 1000) {
  const res = await call("POST", "/v1/payments", { body: reserveBody(orderId, amount) });
  expect(res.status).toBe(201);
  await sandbox.approve(res.body.transactionId);
  return res.body;
}

describe("lost answers on the online flow", () => {
  it("settles a confirm whose answer was dropped after LINE Pay processed it, with one upstream confirm", async () => {
    const orderId = uniqueId();
    await approved(orderId);
    await sandbox.fault("confirm", { type: "drop" }, orderId);
    const res = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    expect([200, 202]).toContain(res.status);
    const seen = await call("GET", `/v1/payments/${orderId}`);
    expect(seen.body.state).toBe("CAPTURED");
    expect(seen.body.events.some((e: { outcome: string }) => e.outcome === "answer_lost")).toBe(true);
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
    // The settled answer is now the stored one.
    const again = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    expect(again.status).toBe(200);
    expect(again.body.state).toBe("CAPTURED");
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
  });

  it("keeps recovering by alarm across a restart until the lost confirm settles", async () => {
    const orderId = uniqueId();
    await approved(orderId);
    await sandbox.fault("confirm", { type: "delay", ms: PAST_THE_READ_TIMEOUT_MS }, orderId);
    await sandbox.fault("details", { type: "http", status: 500 }, orderId);
    const res = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    expect(res.status).toBe(202);
    expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(res.body.state).toBe("UNKNOWN");

    // A different operation must wait for the outcome, not guess.
    const voidNow = await call("POST", `/v1/payments/${orderId}/void`);
    expect(voidNow.status).toBe(409);
    expect(voidNow.body.code).toBe("in_progress");

    await evictDurableObject(stubFor(orderId));
    expect(await fireAlarm(stubFor(orderId))).toBe(true);
    const seen = await call("GET", `/v1/payments/${orderId}`);
    expect(seen.body.state).toBe("CAPTURED");
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
    const ledger = (await sandbox.ledger(orderId)).payments[orderId];
    expect(ledger.captured).toBe(1000);
  });

  it("recovers a confirm cut off mid-call by a reset of its object, with one upstream confirm", async () => {
    const orderId = uniqueId();
    await approved(orderId);
    await sandbox.fault("confirm", { type: "delay", ms: 700 }, orderId);
    const pending = call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    // Cut it off once the confirm is at LINE Pay, while its answer is still on the way.
    await sandbox.arrived("confirm", orderId);
    await abortAllDurableObjects();
    const cut = await pending;
    expect(cut.status).toBe(409);
    expect(cut.body.code).toBe("in_progress");
    expect(cut.headers.get("Retry-After")).toMatch(/^\d+$/);
    // The restarted object found its PENDING write-ahead record: UNKNOWN, due at once, and
    // recovered by its alarm once LINE Pay's answer would have come.
    await sandbox.idle();
    await fireAlarm(stubFor(orderId));
    const seen = await call("GET", `/v1/payments/${orderId}`);
    expect(seen.body.state).toBe("CAPTURED");
    expect(seen.body.events.some((e: { detail?: string }) => e.detail?.includes("restarted"))).toBe(true);
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
  });

  it("lets a confirm that LINE Pay never processed be sent again, once it cannot be running any more", async () => {
    useTestClock();
    const orderId = uniqueId();
    await approved(orderId);
    await sandbox.fault("confirm", { type: "http", status: 503, phase: "before" }, orderId);
    const first = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    // A 503 may come from a proxy while LINE Pay processes the confirm: unknown until it cannot be.
    expect(first.status).toBe(202);
    expect(first.body.state).toBe("UNKNOWN");
    advanceClock(PAST_THE_WINDOW_MS);
    await fireAlarm(stubFor(orderId));
    expect((await call("GET", `/v1/payments/${orderId}`)).body.state).toBe("RESERVED");
    const second = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    expect(second.status).toBe(200);
    expect(second.body.state).toBe("CAPTURED");
    expect((await sandbox.calls({ orderId })).confirm).toBe(2);
    expect((await sandbox.ledger(orderId)).payments[orderId].captured).toBe(1000);
  });

  it("settles a refund whose answer was lost from LINE Pay's refund list", async () => {
    const orderId = uniqueId();
    await approved(orderId);
    await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    await sandbox.fault("refund", { type: "drop" }, orderId);
    const res = await call("POST", `/v1/payments/${orderId}/refund`, {
      body: { refundAmount: 400 },
      headers: { "Idempotency-Key": "once" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "PARTIALLY_REFUNDED", refundedAmount: 400 });
    const again = await call("POST", `/v1/payments/${orderId}/refund`, {
      body: { refundAmount: 400 },
      headers: { "Idempotency-Key": "once" },
    });
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await sandbox.calls({ orderId })).refund).toBe(1);
    expect((await sandbox.ledger(orderId)).payments[orderId].refunded).toBe(400);
  });

  it("keeps giving back a wrongly charged amount by alarm when the first refund fails", async () => {
    const orderId = uniqueId();
    await approved(orderId);
    await sandbox.fault("confirm", { type: "payAmount", amount: 1200 }, orderId);
    await sandbox.fault("refund", { type: "http", status: 500, phase: "before" }, orderId);
    await sandbox.fault("details", { type: "http", status: 500 }, orderId);
    const res = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe("amount_mismatch");
    expect((await sandbox.ledger(orderId)).payments[orderId]).toMatchObject({ captured: 1200, refunded: 0 });
    // Until the money is back, nothing else may happen to the order.
    const refund = await call("POST", `/v1/payments/${orderId}/refund`, {
      body: {},
      headers: { "Idempotency-Key": "x" },
    });
    expect(refund.status).toBe(409);
    expect(refund.body.code).toBe("in_progress");

    expect(await fireAlarm(stubFor(orderId))).toBe(true);
    const seen = await call("GET", `/v1/payments/${orderId}`);
    expect(seen.body.state).toBe("REFUNDED");
    expect(seen.body.events.map((e: { outcome: string }) => e.outcome)).toEqual(
      expect.arrayContaining(["amount_mismatch", "refunded"]),
    );
    expect((await sandbox.ledger(orderId)).payments[orderId]).toMatchObject({ captured: 1200, refunded: 1200 });
    expect((await sandbox.calls({ orderId })).refund).toBe(2);
  });

  it("re-sends a reserve whose answer was lost before LINE Pay processed it", async () => {
    const orderId = uniqueId();
    await sandbox.fault("request", { type: "http", status: 500, phase: "before" }, orderId);
    const res = await call("POST", "/v1/payments", { body: reserveBody(orderId) });
    expect(res.status).toBe(201);
    expect(res.body.state).toBe("RESERVED");
    expect((await sandbox.calls({ orderId })).request).toBe(2);
  });
});
