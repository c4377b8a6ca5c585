/**
 * Capture, void and refund, for every kind of payment (online, POS, preapproved): the calls
 * go through `paymentApi`, which picks the v3 (by transactionId) or v2 (by orderId) endpoint,
 * and a lost answer is settled from LINE Pay's own record of the payment.
 */
import type { Money } from "../../model/commands";
import { GatewayError } from "../../model/problem";
import { readTimeoutMs } from "../../linepay/types";
import { addMoney, sameMoney, subtractMoney } from "../money";
import type { OrderRecord } from "../store/order-store";
import { ok } from "../views";
import {
  DEFAULT_RECOVERY,
  type FlowContext,
  type OperationSpec,
  type RecoverResult,
  type Settled,
  type StillUnknown,
} from "./operation";
import { isUncertain, lostStep, notProcessedAnswer, refusalAnswer, refusedEvent, uncertainEvent } from "./outcomes";
import { paymentApi, stateOf, type PaymentSnapshot } from "./payment-api";

type CaptureCommand = { op: "capture"; body: Money };
type VoidCommand = { op: "void" };
type RefundCommand = { op: "refund"; idempotencyKey: string; refundAmount?: number };

const DECIMALS: Record<string, number> = { JPY: 0, TWD: 0, THB: 2, USD: 2 };

function hasPrecision(amount: number, currency: string): boolean {
  const scale = 10 ** (DECIMALS[currency] ?? 0);
  return Math.abs(Math.round(amount * scale) - amount * scale) < 1e-6;
}

/** Asks LINE Pay what the payment is now; `unknown` when it cannot answer. */
async function look(order: OrderRecord, ctx: FlowContext, op: string): Promise<PaymentSnapshot | null | StillUnknown> {
  const seen = await paymentApi(order, ctx.linePay).lookup(order);
  if (seen.kind === "success") return seen.info;
  return {
    kind: "unknown",
    events: [seen.kind === "lost" ? uncertainEvent(`${op}.check`, seen) : refusedEvent(`${op}.check`, seen)],
  };
}

const isStep = (v: unknown): v is StillUnknown => typeof v === "object" && v !== null && "kind" in v && "events" in v;

function fromSnapshot(order: OrderRecord, snapshot: PaymentSnapshot, op: string, detail: string): Settled {
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
function notSeen(order: OrderRecord, op: string, detail: string, retry: string, back?: OrderRecord): RecoverResult {
  return {
    kind: "not_seen",
    events: [{ operation: `${op}.check`, outcome: "unchanged", detail }],
    ifNeverHappened: {
      kind: "not_applied",
      ...(back ? { order: back } : {}),
      answer: notProcessedAnswer(order, `LINE Pay did not ${op}; ${retry}`),
      events: [{ operation: op, outcome: "not_processed", detail: "the lost call never took effect at LINE Pay" }],
    },
  };
}

/** What to do with a refusal that may hide work already done: 1165 and a declined capture. */
function refusalToLookAt(op: string, outcome: Parameters<typeof refusedEvent>[1]): StillUnknown {
  return { kind: "unknown", events: [refusedEvent(op, outcome, `${outcome.returnMessage}; checking the details`)] };
}

export const captureSpec: OperationSpec<CaptureCommand> = {
  op: "capture",
  key: () => "capture",
  params: (c) => c.body,
  stored: (c) => c,
  readTimeoutMs: (config) => readTimeoutMs(config.linePay, "capture"),
  precheck(order, command) {
    if (!order) return;
    const errors = [];
    if (command.body.currency !== order.currency)
      errors.push({ path: "currency", message: `must be ${order.currency}` });
    if (command.body.amount > order.amount)
      errors.push({ path: "amount", message: `must not exceed the authorized ${order.amount}` });
    if (errors.length) throw new GatewayError("invalid_request", "capture does not fit the authorization", { errors });
  },
  begin: (order) => order!,
  async perform(order, command, ctx) {
    const outcome = await paymentApi(order, ctx.linePay).capture(order, command.body);
    if (outcome.kind === "success") {
      const captured: OrderRecord = {
        ...order,
        state: "CAPTURED",
        ...(outcome.info.payInfo ? { payInfo: outcome.info.payInfo } : {}),
        data: { ...order.data, capturedAmount: command.body.amount },
      };
      return {
        kind: "settled",
        order: captured,
        answer: ok(captured),
        events: [{ operation: "capture", outcome: "captured" }],
      };
    }
    if (isUncertain(outcome)) return lostStep("capture", outcome);
    // 1165 "already captured or voided" may be this capture, finished late; a declined capture
    // makes LINE Pay cancel the authorization (LINEPAY.md). Either way its record decides.
    if (outcome.category === "duplicate" || outcome.category === "declined" || outcome.returnCode === "1165")
      return refusalToLookAt("capture", outcome);
    return { kind: "not_applied", answer: refusalAnswer(order, outcome), events: [refusedEvent("capture", outcome)] };
  },
  async recover(order, command, ctx) {
    const seen = await look(order, ctx, "capture");
    if (isStep(seen)) return seen;
    if (!seen) return { kind: "unknown", events: [{ operation: "capture.check", outcome: "payment_not_found" }] };
    if (seen.status === "AUTHORIZATION")
      return notSeen(order, "capture", "payment details still show the authorization", "capture again");
    const result = fromSnapshot(
      { ...order, data: { ...order.data, capturedAmount: command.body.amount } },
      seen,
      "capture",
      `payment details show ${seen.status}`,
    );
    if (result.order.state !== "CAPTURED") {
      result.answer = refusalAnswer(order, {
        kind: "refused",
        category: "declined",
        returnCode: "AUTH_CANCELLED",
        returnMessage: `the authorization is ${seen.status}`,
      });
    }
    return result;
  },
  recovery: DEFAULT_RECOVERY,
};

export const voidSpec: OperationSpec<VoidCommand> = {
  op: "void",
  key: () => "void",
  params: () => ({}),
  stored: (c) => c,
  readTimeoutMs: (config) => readTimeoutMs(config.linePay, "other"),
  begin: (order) => order!,
  async perform(order, _command, ctx) {
    const outcome = await paymentApi(order, ctx.linePay).void(order);
    if (outcome.kind === "success") {
      const voided: OrderRecord = { ...order, state: "VOIDED" };
      return { kind: "settled", order: voided, answer: ok(voided), events: [{ operation: "void", outcome: "voided" }] };
    }
    if (isUncertain(outcome)) return lostStep("void", outcome);
    if (outcome.category === "duplicate" || outcome.returnCode === "1165") return refusalToLookAt("void", outcome);
    return { kind: "not_applied", answer: refusalAnswer(order, outcome), events: [refusedEvent("void", outcome)] };
  },
  async recover(order, _command, ctx) {
    const seen = await look(order, ctx, "void");
    if (isStep(seen)) return seen;
    if (!seen) return { kind: "unknown", events: [{ operation: "void.check", outcome: "payment_not_found" }] };
    if (seen.status === "AUTHORIZATION")
      return notSeen(order, "void", "payment details still show the authorization", "void again");
    const result = fromSnapshot(order, seen, "void", `payment details show ${seen.status}`);
    if (result.order.state !== "VOIDED") {
      result.answer = refusalAnswer(order, {
        kind: "refused",
        category: "refused",
        returnCode: "1165",
        returnMessage: `the payment is ${seen.status}, not voidable`,
      });
    }
    return result;
  },
  recovery: DEFAULT_RECOVERY,
};

function remaining(order: OrderRecord): number {
  return subtractMoney(order.data.capturedAmount || order.amount, order.refundedAmount);
}

function refunded(order: OrderRecord, total: number, detail: string): Settled {
  const paid = order.data.capturedAmount || order.amount;
  const settled: OrderRecord = {
    ...order,
    refundedAmount: total,
    state: sameMoney(total, paid) ? "REFUNDED" : "PARTIALLY_REFUNDED",
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

export const refundSpec: OperationSpec<RefundCommand> = {
  op: "refund",
  key: (c) => `refund:${c.idempotencyKey}`,
  params: (c) => ({ refundAmount: c.refundAmount ?? null }),
  stored: (c) => c,
  readTimeoutMs: (config) => readTimeoutMs(config.linePay, "other"),
  precheck(order, command) {
    if (!order || command.refundAmount === undefined) return;
    const errors = [];
    if (!hasPrecision(command.refundAmount, order.currency))
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
        addMoney(inFlight.refundedBefore, inFlight.amount),
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
    const seen = await look(order, ctx, "refund");
    if (isStep(seen)) return seen;
    if (!seen || !inFlight)
      return { kind: "unknown", events: [{ operation: "refund.check", outcome: "payment_not_found" }] };
    if (sameMoney(seen.refundedTotal, inFlight.refundedBefore))
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
