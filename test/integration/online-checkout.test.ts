/**
 * The spine end to end: storefront → gateway Worker → order Durable Object → LINE Pay
 * sandbox, asserting states, amounts, every transactionId digit and upstream call counts.
 */
import { env } from "cloudflare:workers";
import { fireAlarm } from "../support/flows";
import { describe, expect, it } from "vitest";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";

async function reserved(orderId: string, amount = 1000, options: Record<string, unknown> = {}) {
  const res = await call("POST", "/v1/payments", { body: reserveBody(orderId, amount, "JPY", options) });
  expect(res.status).toBe(201);
  return res.body;
}

async function approvedOrder(orderId: string, amount = 1000, options: Record<string, unknown> = {}) {
  const order = await reserved(orderId, amount, options);
  await sandbox.approve(order.transactionId);
  return order;
}

describe("online checkout", () => {
  it("reserves, confirms, refunds in part and refunds the rest with every digit of the transactionId", async () => {
    const orderId = uniqueId();
    const order = await reserved(orderId, 1000);
    expect(order).toMatchObject({
      orderId,
      kind: "online",
      state: "RESERVED",
      amount: 1000,
      currency: "JPY",
      refundedAmount: 0,
    });
    expect(order.transactionId).toMatch(/^\d{19}$/);
    expect(order.paymentUrl.web).toMatch(/^https?:\/\//);
    const ledgerAfter = await sandbox.approve(order.transactionId);
    expect(ledgerAfter.orderId).toBe(orderId);

    const confirmed = await call("POST", `/v1/payments/${orderId}/confirm`, {
      body: { amount: 1000, currency: "JPY" },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ state: "CAPTURED", transactionId: order.transactionId });
    expect(confirmed.body.payInfo.reduce((s: number, p: { amount: number }) => s + p.amount, 0)).toBe(1000);

    const ledger = await sandbox.ledger(orderId);
    expect(ledger.payments[orderId].transactionId).toBe(order.transactionId);

    const partial = await call("POST", `/v1/payments/${orderId}/refund`, {
      body: { refundAmount: 300 },
      headers: { "Idempotency-Key": "r1" },
    });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ state: "PARTIALLY_REFUNDED", refundedAmount: 300 });

    const rest = await call("POST", `/v1/payments/${orderId}/refund`, {
      body: {},
      headers: { "Idempotency-Key": "r2" },
    });
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ state: "REFUNDED", refundedAmount: 1000 });

    const seen = await call("GET", `/v1/payments/${orderId}`);
    expect(seen.body).toMatchObject({ state: "REFUNDED", refundedAmount: 1000, transactionId: order.transactionId });
    expect(seen.body.events.map((e: { operation: string }) => e.operation)).toEqual(
      expect.arrayContaining(["reserve", "confirm", "refund"]),
    );
    const after = await sandbox.ledger(orderId);
    expect(after.payments[orderId]).toMatchObject({ captured: 1000, refunded: 1000 });
  });

  it("replays a repeated confirm without calling LINE Pay again", async () => {
    const orderId = uniqueId();
    await approvedOrder(orderId);
    const first = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    const again = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { currency: "JPY", amount: 1000 } });
    expect(again.status).toBe(first.status);
    expect(again.text).toBe(first.text);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
  });

  it("coalesces 25 concurrent confirms into one upstream confirm, and every caller gets its answer", async () => {
    const orderId = uniqueId();
    await approvedOrder(orderId);
    await sandbox.fault("confirm", { type: "delay", ms: 200 }, orderId);
    const answers = await Promise.all(
      Array.from({ length: 25 }, () =>
        call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(25).fill(200));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers[0]!.body.state).toBe("CAPTURED");
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
  });

  it("answers 422 without an upstream call when an orderId comes back with other parameters", async () => {
    const orderId = uniqueId();
    await approvedOrder(orderId, 1000);
    const otherReserve = await call("POST", "/v1/payments", { body: reserveBody(orderId, 1200) });
    expect(otherReserve.status).toBe(422);
    expect(otherReserve.body.code).toBe("idempotency_mismatch");
    const otherConfirm = await call("POST", `/v1/payments/${orderId}/confirm`, {
      body: { amount: 999, currency: "JPY" },
    });
    expect(otherConfirm.status).toBe(422);
    await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    const refundA = await call("POST", `/v1/payments/${orderId}/refund`, {
      body: { refundAmount: 100 },
      headers: { "Idempotency-Key": "k" },
    });
    expect(refundA.status).toBe(200);
    const refundB = await call("POST", `/v1/payments/${orderId}/refund`, {
      body: { refundAmount: 200 },
      headers: { "Idempotency-Key": "k" },
    });
    expect(refundB.status).toBe(422);
    const calls = await sandbox.calls({ orderId });
    expect(calls).toMatchObject({ request: 1, confirm: 1, refund: 1 });
  });

  it("authorizes with capture false, then captures; another authorization is voided; wrong states get 409", async () => {
    const a = uniqueId();
    await approvedOrder(a, 500, { payment: { capture: false } });
    const auth = await call("POST", `/v1/payments/${a}/confirm`, { body: { amount: 500, currency: "JPY" } });
    expect(auth.body.state).toBe("AUTHORIZED");
    const refundEarly = await call("POST", `/v1/payments/${a}/refund`, {
      body: {},
      headers: { "Idempotency-Key": "x" },
    });
    expect(refundEarly.status).toBe(409);
    expect(refundEarly.body.code).toBe("invalid_state");
    const captured = await call("POST", `/v1/payments/${a}/capture`, { body: { amount: 500, currency: "JPY" } });
    expect(captured.status).toBe(200);
    expect(captured.body.state).toBe("CAPTURED");
    expect((await sandbox.ledger(a)).payments[a]).toMatchObject({ captured: 500 });

    const b = uniqueId();
    await approvedOrder(b, 700, { payment: { capture: false } });
    await call("POST", `/v1/payments/${b}/confirm`, { body: { amount: 700, currency: "JPY" } });
    const voided = await call("POST", `/v1/payments/${b}/void`);
    expect(voided.status).toBe(200);
    expect(voided.body.state).toBe("VOIDED");
    const confirmAfterVoid = await call("POST", `/v1/payments/${b}/capture`, {
      body: { amount: 700, currency: "JPY" },
    });
    expect(confirmAfterVoid.status).toBe(409);
    expect(confirmAfterVoid.body.code).toBe("invalid_state");
    expect((await sandbox.calls({ orderId: b })).capture ?? 0).toBe(0);

    const c = uniqueId();
    await reserved(c);
    const captureReserved = await call("POST", `/v1/payments/${c}/capture`, {
      body: { amount: 1000, currency: "JPY" },
    });
    expect(captureReserved.status).toBe(409);
  });

  it("settles EXPIRED by alarm when the customer cancels and nobody confirms", async () => {
    const orderId = uniqueId();
    const order = await reserved(orderId);
    await sandbox.cancel(order.transactionId);
    // The watch is due 21 minutes after the reservation; run it now.
    expect(await fireAlarm(env.ORDERS.getByName(`order:${orderId}`))).toBe(true);
    const seen = await call("GET", `/v1/payments/${orderId}`);
    expect(seen.body.state).toBe("EXPIRED");
    expect(
      seen.body.events.some(
        (e: { outcome: string; returnCode?: string }) => e.outcome === "expired" && e.returnCode === "0121",
      ),
    ).toBe(true);
    const late = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    expect(late.status).toBe(409);
    expect((await sandbox.calls({ orderId })).confirm ?? 0).toBe(0);
  });

  it("keeps a reservation the customer is still looking at, and watches it again", async () => {
    const orderId = uniqueId();
    await reserved(orderId);
    const stub = env.ORDERS.getByName(`order:${orderId}`);
    expect(await fireAlarm(stub)).toBe(true);
    expect((await call("GET", `/v1/payments/${orderId}`)).body.state).toBe("RESERVED");
    expect(await fireAlarm(stub)).toBe(true);
  });

  it("settles VOIDED when a declined capture makes LINE Pay cancel the authorization", async () => {
    const orderId = uniqueId();
    await approvedOrder(orderId, 800, { payment: { capture: false } });
    await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 800, currency: "JPY" } });
    await sandbox.fault(
      "capture",
      { type: "returnCode", returnCode: "1283", returnMessage: "Suspected fraud" },
      orderId,
    );
    const res = await call("POST", `/v1/payments/${orderId}/capture`, { body: { amount: 800, currency: "JPY" } });
    expect(res.status).toBe(402);
    expect(res.body.code).toBe("payment_declined");
    const seen = await call("GET", `/v1/payments/${orderId}`);
    expect(seen.body.state).toBe("VOIDED");
    expect((await sandbox.ledger(orderId)).payments[orderId]).toMatchObject({
      status: "VOIDED_AUTHORIZATION",
      captured: 0,
    });
  });

  it("answers 404 for an order it does not know", async () => {
    const res = await call("GET", `/v1/payments/${uniqueId()}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });

  it("refunds a payment whose payInfo total differs from the amount and answers amount_mismatch", async () => {
    const orderId = uniqueId();
    await approvedOrder(orderId, 1000);
    await sandbox.fault("confirm", { type: "payAmount", amount: 900 }, orderId);
    const res = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe("amount_mismatch");
    const ledger = (await sandbox.ledger(orderId)).payments[orderId];
    expect(ledger.captured).toBe(900);
    expect(ledger.refunded).toBe(900);
    const seen = await call("GET", `/v1/payments/${orderId}`);
    expect(seen.body.state).toBe("REFUNDED");
    expect(seen.body.events.some((e: { outcome: string }) => e.outcome === "amount_mismatch")).toBe(true);
    expect(env.LINEPAY_API_BASE).toContain("sandbox");
  });
});
