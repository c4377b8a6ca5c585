/** Pure parts of the order object: the transition table, fingerprints and the payInfo amount check. */
import { describe, expect, it } from "vitest";
import { canonicalJson, fingerprint } from "../../durable-objects/fingerprint";
import type { OrderRecord } from "../../durable-objects/store/order-store";
import { assertTransition, TRANSITIONS } from "../../durable-objects/transitions";
import { GatewayError } from "../../model/problem";

const order = (state: OrderRecord["state"]): OrderRecord => ({
  scope: "order",
  refId: "o-1",
  kind: "online",
  state,
  amount: 100,
  currency: "JPY",
  refundedAmount: 0,
  data: {},
  createdAt: 0,
  updatedAt: 0,
});

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof GatewayError ? error.code : "other";
  }
}

describe("the transition table", () => {
  it("lets creating operations start only on a new order", () => {
    for (const op of ["reserve", "posPay", "preapprovedPay", "deposit"] as const) {
      expect(codeOf(() => assertTransition(op, undefined, "order"))).toBeUndefined();
      expect(codeOf(() => assertTransition(op, order("RESERVED"), "order"))).toBe("idempotency_mismatch");
    }
  });

  it.each([
    ["confirm", "RESERVED", undefined],
    ["confirm", "VOIDED", "invalid_state"],
    ["capture", "AUTHORIZED", undefined],
    ["capture", "CAPTURED", "invalid_state"],
    ["void", "AUTHORIZED", undefined],
    ["void", "CAPTURED", "invalid_state"],
    ["refund", "CAPTURED", undefined],
    ["refund", "PARTIALLY_REFUNDED", undefined],
    ["refund", "REFUNDED", "invalid_state"],
    ["refund", "AUTHORIZED", "invalid_state"],
    ["confirm", "UNKNOWN", "in_progress"],
  ] as const)("%s from %s → %s", (op, state, expected) => {
    expect(codeOf(() => assertTransition(op, order(state), "order"))).toBe(expected);
  });

  it("answers not_found for an operation on an order that does not exist", () => {
    expect(codeOf(() => assertTransition("confirm", undefined, "order"))).toBe("not_found");
  });

  it("has an entry for every operation", () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([
      "capture",
      "confirm",
      "deposit",
      "posPay",
      "preapprovedPay",
      "refund",
      "reserve",
      "void",
    ]);
  });
});

describe("fingerprints", () => {
  it("ignore key order and undefined fields but not values", async () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(await fingerprint({ amount: 1, currency: "JPY" })).toBe(await fingerprint({ currency: "JPY", amount: 1 }));
    expect(await fingerprint({ amount: 1, currency: "JPY" })).not.toBe(
      await fingerprint({ amount: 2, currency: "JPY" }),
    );
    expect(await fingerprint({ a: "1" })).not.toBe(await fingerprint({ a: 1 }));
  });
});

describe("the payInfo amount check", () => {
  it("never gives money back when LINE Pay's answer has no payInfo to add up: it reads the details first", async () => {
    const { checkPaidAmount } = await import("../../durable-objects/operations/paid-amount");
    const paid = order("CAPTURED");
    const settled = { kind: "settled" as const, order: paid, answer: { status: 200, body: {} }, events: [] };
    const result = checkPaidAmount("confirm", paid, undefined, settled);
    expect(result.answer.status).toBe(200);
    expect(result.followUps).toEqual([{ command: { op: "verifyAmount" }, afterMs: 0 }]);
    expect(result.events).toEqual([expect.objectContaining({ outcome: "amount_unverified" })]);
    const agrees = checkPaidAmount(
      "confirm",
      paid,
      [
        { method: "BALANCE", amount: 60 },
        { method: "POINT", amount: 40 },
      ],
      settled,
    );
    expect(agrees).toBe(settled);
  });

  it("owes the money back when the amounts differ, and answers amount_mismatch", async () => {
    const { checkPaidAmount } = await import("../../durable-objects/operations/paid-amount");
    const paid = order("CAPTURED");
    const settled = { kind: "settled" as const, order: paid, answer: { status: 200, body: {} }, events: [] };
    const result = checkPaidAmount("confirm", paid, [{ method: "BALANCE", amount: 120 }], settled);
    expect(result.answer.status).toBe(502);
    expect(result.order.state).toBe("CAPTURED");
    expect(result.followUps).toEqual([
      { command: expect.objectContaining({ op: "compensate", action: "refund" }), afterMs: 0 },
    ]);
  });
});
