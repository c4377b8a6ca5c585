/**
 * Refunds, full or partial, several per order (each named by its Idempotency-Key), for every
 * kind of payment (payment-api.ts). A lost answer or a 1165 ("already refunded") is settled
 * from LINE Pay's refund list: the truth, whatever the gateway expected.
 */
import { GatewayError } from "../../model/problem";
import { addAmounts, fitsCurrency, sameAmount, subtractAmounts } from "../../model/money";
import type { OrderRecord } from "../store/order-store";
import { ok } from "../views";
import { DEFAULT_RECOVERY, type CommandOf, type Operation, type Settled } from "../operation";
import { isUncertain, lostStep, refusalAnswer, refusedEvent } from "./linepay-outcomes";
import { paymentApi } from "./payment-api";
import { isStep, look, notSeen, refusalToLookAt } from "./payment-record";

function remaining(order: OrderRecord): number {
  return subtractAmounts(order.data.capturedAmount || order.amount, order.refundedAmount, order.currency);
}

function refunded(order: OrderRecord, total: number, detail: string): Settled {
  const paid = order.data.capturedAmount || order.amount;
  const settled: OrderRecord = {
    ...order,
    refundedAmount: total,
    state: sameAmount(total, paid, order.currency) ? "REFUNDED" : "PARTIALLY_REFUNDED",
    data: { ...order.data, refundInFlight: undefined },
  };
  return {
    kind: "settled",
    order: settled,
    answer: ok(settled),
    events: [{ operation: "refund", outcome: "refunded", detail }],
  };
}

const withoutRefund = (order: OrderRecord): OrderRecord => ({
  ...order,
  data: { ...order.data, refundInFlight: undefined },
});

export const refund: Operation<CommandOf<"refund">> = {
  op: "refund",
  startsFrom: ["CAPTURED", "PARTIALLY_REFUNDED"],
  key: (c) => `refund:${c.idempotencyKey}`,
  params: (c) => ({ refundAmount: c.refundAmount ?? null }),
  timeout: "other",
  precheck(order, command) {
    if (!order || command.refundAmount === undefined) return;
    const errors = [];
    if (!fitsCurrency(command.refundAmount, order.currency))
      errors.push({ path: "refundAmount", message: `too many decimals for ${order.currency}` });
    if (command.refundAmount > remaining(order))
      errors.push({
        path: "refundAmount",
        message: `must not exceed the ${remaining(order)} ${order.currency} still refundable`,
      });
    if (errors.length) throw new GatewayError("invalid_request", "refund does not fit the payment", { errors });
  },
  begin(order, command) {
    const inFlight = {
      key: command.idempotencyKey,
      amount: command.refundAmount ?? remaining(order!),
      refundedBefore: order!.refundedAmount,
    };
    return { ...order!, data: { ...order!.data, refundInFlight: inFlight } };
  },
  async perform(order, command, ctx) {
    const inFlight = order.data.refundInFlight!;
    const outcome = await paymentApi(order, ctx.linePay).refund(order, command.refundAmount);
    if (outcome.kind === "success") {
      return refunded(
        order,
        addAmounts(inFlight.refundedBefore, inFlight.amount, order.currency),
        `${inFlight.amount} ${order.currency} refunded (refundTransactionId ${outcome.info.refundTransactionId ?? "n/a"})`,
      );
    }
    if (isUncertain(outcome)) return lostStep("refund", outcome);
    // 1165 "already refunded" may be this very refund, finished late: LINE Pay's list decides.
    if (outcome.category === "duplicate" || outcome.returnCode === "1165") return refusalToLookAt("refund", outcome);
    return {
      kind: "not_applied",
      order: withoutRefund(order),
      answer: refusalAnswer(order, outcome),
      events: [refusedEvent("refund", outcome)],
    };
  },
  async recover(order, _command, ctx) {
    const inFlight = order.data.refundInFlight;
    const seen = await look(order, ctx);
    if (isStep(seen)) return seen;
    if (!seen || !inFlight)
      return { kind: "unknown", events: [{ operation: "details", outcome: "payment_not_found" }] };
    if (sameAmount(seen.refundedTotal, inFlight.refundedBefore, order.currency))
      return notSeen(order, "refund", "the refund list shows no new refund", "refund again", withoutRefund(order));
    // LINE Pay's refund list is the truth, whatever we expected.
    return refunded(
      order,
      seen.refundedTotal,
      `payment details show ${seen.refundedTotal} ${order.currency} refunded in all`,
    );
  },
  recovery: DEFAULT_RECOVERY,
};
