/**
 * LINE Pay's record of a payment, read after a capture, void or refund whose answer was lost
 * (or whose refusal may hide work already done): what it says the order is now, or that it
 * still shows the payment as it was before the call (`not_seen`: "not yet", or never, as the
 * runner decides from the call's read timeout).
 */
import type { JournalOperation } from "../store/journal";
import type { OrderRecord } from "../store/order-store";
import { ok } from "../views";
import type { OperationContext, RecoverResult, Settled, StillUnknown } from "../operation";
import { notProcessedAnswer, refusedEvent, uncertainEvent, type Refused } from "./linepay-outcomes";
import { paymentApi, stateOf, type PaymentSnapshot } from "./payment-api";

/** Asks LINE Pay what the payment is now; `unknown` when it cannot answer. */
export async function look(order: OrderRecord, ctx: OperationContext): Promise<PaymentSnapshot | null | StillUnknown> {
  const seen = await paymentApi(order, ctx.linePay).lookup(order);
  if (seen.kind === "success") return seen.info;
  return {
    kind: "unknown",
    events: [seen.kind === "lost" ? uncertainEvent("details", seen) : refusedEvent("details", seen)],
  };
}

export const isStep = (v: unknown): v is StillUnknown =>
  typeof v === "object" && v !== null && "kind" in v && "events" in v;

export function fromSnapshot(
  order: OrderRecord,
  snapshot: PaymentSnapshot,
  op: JournalOperation,
  detail: string,
): Settled {
  const paid = order.data.capturedAmount || order.amount;
  const state = stateOf(snapshot, paid);
  const settled: OrderRecord = {
    ...order,
    state,
    refundedAmount: snapshot.refundedTotal,
    ...(snapshot.payInfo ? { payInfo: snapshot.payInfo } : {}),
  };
  return {
    kind: "settled",
    order: settled,
    answer: ok(settled),
    events: [{ operation: op, outcome: "settled", detail }],
  };
}

/** LINE Pay still shows the payment as it was before the call: "not yet", or never. */
type AfterPayment = "capture" | "void" | "refund";

export function notSeen(
  order: OrderRecord,
  op: AfterPayment,
  detail: string,
  retry: string,
  back?: OrderRecord,
): RecoverResult {
  return {
    kind: "not_seen",
    events: [{ operation: "details", outcome: "unchanged", detail }],
    ifNeverHappened: {
      kind: "not_applied",
      ...(back ? { order: back } : {}),
      answer: notProcessedAnswer(order, `LINE Pay did not ${op}; ${retry}`),
      events: [{ operation: op, outcome: "not_processed", detail: "the lost call never took effect at LINE Pay" }],
    },
  };
}

/** What to do with a refusal that may hide work already done: 1165 and a declined capture. */
export function refusalToLookAt(op: AfterPayment, outcome: Refused): StillUnknown {
  return { kind: "unknown", events: [refusedEvent(op, outcome, `${outcome.returnMessage}; checking the details`)] };
}
