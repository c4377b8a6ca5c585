/**
 * Capture, void and refund, for every kind of payment (online, POS, preapproved): the calls
 * go through `paymentApi`, which picks the v3 (by transactionId) or v2 (by orderId) endpoint,
 * and a lost answer is settled from LINE Pay's own record of the payment.
 */
import type { Money } from "../../model/commands";
import { GatewayError } from "../../model/problem";
import { addMoney, sameMoney, subtractMoney } from "../money";
import type { OrderRecord } from "../store/order-store";
import { ok } from "../views";
import { DEFAULT_RECOVERY, type FlowContext, type OperationSpec, type StepResult } from "./operation";
import { isUncertain, notProcessedAnswer, refusalAnswer, refusedEvent, uncertainEvent } from "./outcomes";
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
async function look(order: OrderRecord, ctx: FlowContext, op: string): Promise<PaymentSnapshot | null | StepResult> {
  const seen = await paymentApi(order, ctx.linePay).lookup(order);
  if (seen.kind === "success") return seen.info;
  return {
    kind: "unknown",
    events: [seen.kind === "lost" ? uncertainEvent(`${op}.check`, seen) : refusedEvent(`${op}.check`, seen)],
  };
}

const isStep = (v: unknown): v is StepResult => typeof v === "object" && v !== null && "kind" in v && "events" in v;

function fromSnapshot(order: OrderRecord, snapshot: PaymentSnapshot, op: string, detail: string): StepResult {
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

export const captureSpec: OperationSpec<CaptureCommand> = {
  op: "capture",
  key: () => "capture",
  params: (c) => c.body,
  stored: (c) => c,
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
    if (isUncertain(outcome) || outcome.category === "duplicate" || outcome.category === "declined") {
      // A declined capture makes LINE Pay cancel the authorization (LINEPAY.md): its record decides.
      return {
        kind: "unknown",
        events: [outcome.kind === "lost" ? uncertainEvent("capture", outcome) : refusedEvent("capture", outcome)],
      };
    }
    return { kind: "not_applied", answer: refusalAnswer(order, outcome), events: [refusedEvent("capture", outcome)] };
  },
  async recover(order, command, ctx) {
    const seen = await look(order, ctx, "capture");
    if (isStep(seen)) return seen;
    if (!seen || seen.status === "AUTHORIZATION") {
      return {
        kind: "not_applied",
        answer: notProcessedAnswer(order, "LINE Pay did not capture; capture again"),
        events: [{ operation: "capture", outcome: "not_processed" }],
      };
    }
    const result = fromSnapshot(
      { ...order, data: { ...order.data, capturedAmount: command.body.amount } },
      seen,
      "capture",
      `payment details show ${seen.status}`,
    );
    if (result.kind === "settled" && result.order.state !== "CAPTURED") {
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
  begin: (order) => order!,
  async perform(order, _command, ctx) {
    const outcome = await paymentApi(order, ctx.linePay).void(order);
    if (outcome.kind === "success") {
      const voided: OrderRecord = { ...order, state: "VOIDED" };
      return { kind: "settled", order: voided, answer: ok(voided), events: [{ operation: "void", outcome: "voided" }] };
    }
    if (isUncertain(outcome) || outcome.category === "duplicate" || outcome.returnCode === "1165") {
      return {
        kind: "unknown",
        events: [outcome.kind === "lost" ? uncertainEvent("void", outcome) : refusedEvent("void", outcome)],
      };
    }
    return { kind: "not_applied", answer: refusalAnswer(order, outcome), events: [refusedEvent("void", outcome)] };
  },
  async recover(order, _command, ctx) {
    const seen = await look(order, ctx, "void");
    if (isStep(seen)) return seen;
    if (!seen || seen.status === "AUTHORIZATION") {
      return {
        kind: "not_applied",
        answer: notProcessedAnswer(order, "LINE Pay did not void; void again"),
        events: [{ operation: "void", outcome: "not_processed" }],
      };
    }
    const result = fromSnapshot(order, seen, "void", `payment details show ${seen.status}`);
    if (result.kind === "settled" && result.order.state !== "VOIDED") {
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

interface RefundInFlight {
  key: string;
  amount: number;
  refundedBefore: number;
}

function remaining(order: OrderRecord): number {
  return subtractMoney(order.data.capturedAmount || order.amount, order.refundedAmount);
}

function refunded(order: OrderRecord, total: number, detail: string): StepResult {
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

export const refundSpec: OperationSpec<RefundCommand> = {
  op: "refund",
  key: (c) => `refund:${c.idempotencyKey}`,
  params: (c) => ({ refundAmount: c.refundAmount ?? null }),
  stored: (c) => c,
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
    const inFlight: RefundInFlight = {
      key: command.idempotencyKey,
      amount: command.refundAmount ?? remaining(order!),
      refundedBefore: order!.refundedAmount,
    };
    return { ...order!, data: { ...order!.data, refundInFlight: inFlight } };
  },
  async perform(order, command, ctx) {
    const inFlight = order.data.refundInFlight as RefundInFlight;
    const outcome = await paymentApi(order, ctx.linePay).refund(order, command.refundAmount);
    if (outcome.kind === "success") {
      return refunded(
        order,
        addMoney(inFlight.refundedBefore, inFlight.amount),
        `${inFlight.amount} ${order.currency} refunded (refundTransactionId ${outcome.info.refundTransactionId ?? "n/a"})`,
      );
    }
    if (isUncertain(outcome) || outcome.category === "duplicate") {
      return {
        kind: "unknown",
        events: [outcome.kind === "lost" ? uncertainEvent("refund", outcome) : refusedEvent("refund", outcome)],
      };
    }
    return { kind: "not_applied", answer: refusalAnswer(order, outcome), events: [refusedEvent("refund", outcome)] };
  },
  async recover(order, _command, ctx) {
    const inFlight = order.data.refundInFlight as RefundInFlight | undefined;
    const seen = await look(order, ctx, "refund");
    if (isStep(seen)) return seen;
    if (!seen || !inFlight)
      return { kind: "unknown", events: [{ operation: "refund.check", outcome: "payment_not_found" }] };
    if (sameMoney(seen.refundedTotal, inFlight.refundedBefore)) {
      const back: OrderRecord = { ...order, data: { ...order.data, refundInFlight: undefined } };
      return {
        kind: "not_applied",
        answer: notProcessedAnswer(back, "LINE Pay did not refund; refund again"),
        events: [{ operation: "refund", outcome: "not_processed" }],
      };
    }
    // LINE Pay's refund list is the truth, whatever we expected.
    return refunded(
      order,
      seen.refundedTotal,
      `payment details show ${seen.refundedTotal} ${order.currency} refunded in all`,
    );
  },
  recovery: DEFAULT_RECOVERY,
};
