/**
 * The money owed back after LINE Pay charged another amount than requested (paid-amount.ts):
 * a refund of the whole payment, or the void of an authorization, at once and then by alarm
 * until LINE Pay's record shows it done. LINE Pay refuses a second full refund or void (1165),
 * so retrying can never return money twice; its answer becomes the payment's replayed answer.
 */
import { paidTotal, sameAmount } from "../../model/money";
import type { OrderRecord } from "../store/order-store";
import type { FollowUpCommandOf, FollowUpOperation, Settled, StillUnknown } from "../operation";
import { isUncertain, uncertainEvent } from "./linepay-outcomes";
import { mismatchAnswer } from "./paid-amount";
import { paymentApi } from "./payment-api";

/** The money owed back: refunded (or voided) by alarm until LINE Pay's record shows it. */
export const compensate: FollowUpOperation<FollowUpCommandOf<"compensate">> = {
  op: "compensate",
  timeout: "other",
  marksUnknown: false,
  answersForParent: true,
  recovery: { intervalsMs: [5_000, 30_000, 60_000, 300_000], windowMs: 20 * 60_000, slowIntervalMs: 15 * 60_000 },
  async recover(order, { action, reason }, ctx): Promise<Settled | StillUnknown> {
    const api = paymentApi(order, ctx.linePay);
    const outcome = action === "void" ? await api.void(order) : await api.refund(order);
    const paid = paidTotal(order.payInfo ?? [], order.currency);
    const done = (state: OrderRecord["state"], refunded: number): Settled => {
      const settled: OrderRecord = {
        ...order,
        state,
        refundedAmount: refunded,
        data: { ...order.data, compensation: undefined },
      };
      return {
        kind: "settled",
        order: settled,
        answer: mismatchAnswer(
          order,
          `${reason}; the gateway ${action === "void" ? "voided the authorization" : "refunded the payment"}.`,
        ),
        events: [{ operation: "compensate", outcome: action === "void" ? "voided" : "refunded", detail: reason }],
      };
    };
    if (outcome.kind === "success")
      return done(action === "void" ? "VOIDED" : "REFUNDED", action === "void" ? 0 : paid);
    if (isUncertain(outcome) || outcome.returnCode === "1165") {
      // 1165 (already refunded/voided) may be our own earlier attempt: LINE Pay's record decides.
      const seen = await api.lookup(order);
      if (seen.kind === "success" && seen.info) {
        if (seen.info.status === "VOIDED_AUTHORIZATION") return done("VOIDED", 0);
        const back = seen.info.refundedTotal > 0 && sameAmount(seen.info.refundedTotal, paid, order.currency);
        if (seen.info.status === "CAPTURE" && back) return done("REFUNDED", paid);
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
  },
};
