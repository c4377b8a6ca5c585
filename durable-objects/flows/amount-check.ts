/**
 * LINE Pay's rule (LINEPAY.md): after every pay or confirm, the `payInfo` amounts must add up
 * to the requested amount. When they do not, the gateway gives the money back at once (a
 * refund, or a void for an authorization) and answers `amount_mismatch`. If giving it back
 * fails or is lost, a `compensate` operation keeps trying by alarm; LINE Pay refuses a second
 * full refund or void (1165), so retrying can never return money twice.
 */
import { GatewayError } from "../../model/problem";
import type { PayInfoItem } from "../../linepay/types";
import { sameMoney, sumMoney } from "../money";
import type { NewEvent, OperationRecord, OrderRecord } from "../store/order-store";
import { idExtras, problem } from "../views";
import type { FlowContext, OperationSpec, Settled, StepResult } from "./operation";
import { isUncertain, uncertainEvent } from "./outcomes";
import { paymentApi } from "./payment-api";

export interface CompensateCommand {
  op: "compensate";
  action: "refund" | "void";
  reason: string;
}

/**
 * Settles a payment whose `order` already carries LINE Pay's state, transactionId and
 * payInfo: returns `ok` when the amounts agree, else the compensation's result.
 */
export async function checkPaidAmount(
  operation: string,
  order: OrderRecord,
  requested: number,
  payInfo: PayInfoItem[] | undefined,
  ctx: FlowContext,
  ok: Settled,
): Promise<Settled> {
  if (!payInfo || payInfo.length === 0) {
    // No payInfo to add up: giving back a payment that may be right would be the worse error.
    return {
      ...ok,
      events: [
        ...ok.events,
        { operation, outcome: "amount_unverified", detail: "LINE Pay's answer had no payInfo to check" },
      ],
    };
  }
  const paid = sumMoney(payInfo.map((p) => p.amount));
  if (sameMoney(paid, requested)) return ok;
  const action = order.state === "AUTHORIZED" ? "void" : "refund";
  const reason = `LINE Pay's payInfo adds up to ${paid} ${order.currency}, not the requested ${requested}`;
  const events: NewEvent[] = [
    ...ok.events,
    { operation, outcome: "amount_mismatch", detail: `${reason}; ${action} sent` },
  ];
  const result = await compensate(
    { ...order, data: { ...order.data, compensation: { action, reason } } },
    action,
    reason,
    ctx,
  );
  if (result.kind === "settled") return { ...result, events: [...events, ...result.events] };
  // Not given back yet: keep the true state, answer the mismatch, and let `compensate` retry.
  return {
    kind: "settled",
    order: { ...order, data: { ...order.data, compensation: { action, reason } } },
    answer: mismatchAnswer(order, `${reason}. The ${action} did not complete yet; the gateway keeps retrying it.`),
    events: [...events, ...result.events],
    followUp: { op: "compensate", action, reason },
  };
}

function mismatchAnswer(order: OrderRecord, detail: string) {
  return problem(new GatewayError("amount_mismatch", detail, idExtras(order)));
}

async function compensate(
  order: OrderRecord,
  action: "refund" | "void",
  reason: string,
  ctx: FlowContext,
): Promise<StepResult> {
  const api = paymentApi(order, ctx.linePay);
  const outcome = action === "void" ? await api.void(order) : await api.refund(order);
  const done = (state: OrderRecord["state"], refunded: number): Settled => {
    const settledOrder: OrderRecord = {
      ...order,
      state,
      refundedAmount: refunded,
      data: { ...order.data, compensation: undefined },
    };
    return {
      kind: "settled",
      order: settledOrder,
      answer: mismatchAnswer(
        order,
        `${reason}; the gateway ${action === "void" ? "voided the authorization" : "refunded the payment"}.`,
      ),
      events: [{ operation: "compensate", outcome: action === "void" ? "voided" : "refunded", detail: reason }],
    };
  };
  const paid = sumMoney((order.payInfo ?? []).map((p) => p.amount));
  if (outcome.kind === "success") return done(action === "void" ? "VOIDED" : "REFUNDED", action === "void" ? 0 : paid);
  if (isUncertain(outcome) || outcome.returnCode === "1165") {
    // 1165 (already refunded/voided) may be our own earlier attempt: LINE Pay's record decides.
    const seen = await api.lookup(order);
    if (seen.kind === "success" && seen.info) {
      if (seen.info.status === "VOIDED_AUTHORIZATION") return done("VOIDED", 0);
      if (seen.info.status === "CAPTURE" && seen.info.refundedTotal > 0 && sameMoney(seen.info.refundedTotal, paid))
        return done("REFUNDED", paid);
    }
    return {
      kind: "unknown",
      events: [
        isUncertain(outcome)
          ? uncertainEvent("compensate", outcome)
          : { operation: "compensate", outcome: "refused", returnCode: outcome.returnCode },
      ],
    };
  }
  return {
    kind: "unknown",
    events: [
      {
        operation: "compensate",
        outcome: "refused",
        returnCode: outcome.returnCode,
        detail: `ALERT: LINE Pay refused the ${action}: ${outcome.returnMessage}`,
      },
    ],
  };
}

/** The follow-up operation: retried by alarm until the money is back. */
export const compensateSpec: OperationSpec<never> = {
  op: "compensate" as never,
  key: () => "compensate",
  params: () => ({}),
  stored: (c) => c,
  begin: (order) => order!,
  perform: () => Promise.reject(new Error("compensate only runs as recovery")),
  async recover(order: OrderRecord, command: unknown, ctx: FlowContext, _record: OperationRecord): Promise<StepResult> {
    const { action, reason } = command as CompensateCommand;
    return compensate(order, action, reason, ctx);
  },
  recovery: { intervalsMs: [5_000, 30_000, 60_000, 300_000], windowMs: 20 * 60_000, slowIntervalMs: 15 * 60_000 },
};
