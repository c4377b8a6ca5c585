/**
 * The amount a payment answer did not show (a preapproved payment's answer has no payInfo),
 * read from LINE Pay's payment details; a mismatch then owes the money back like any other.
 */
import type { NewEvent } from "../store/journal";
import type { OrderRecord } from "../store/order-store";
import { ok as okAnswer } from "../views";
import type { FollowUpCommandOf, FollowUpOperation, Settled, StillUnknown } from "../operation";
import { uncertainEvent } from "./linepay-outcomes";
import { checkPaidAmount } from "./paid-amount";
import { paymentApi } from "./payment-api";

/** The amount a payment answer did not show, read from LINE Pay's payment details. */
export const verifyAmount: FollowUpOperation<FollowUpCommandOf<"verifyAmount">> = {
  op: "verifyAmount",
  timeout: "other",
  marksUnknown: false,
  blocksOthers: true,
  answersForParent: true,
  recovery: { intervalsMs: [2_000, 10_000, 60_000], windowMs: 20 * 60_000, slowIntervalMs: 15 * 60_000 },
  async recover(order, _command, ctx): Promise<Settled | StillUnknown> {
    const seen = await paymentApi(order, ctx.linePay).lookup(order);
    if (seen.kind !== "success" || !seen.info) {
      const event: NewEvent =
        seen.kind === "success"
          ? { operation: "verifyAmount", outcome: "not_listed_yet", detail: "payment details do not list it yet" }
          : uncertainEvent("verifyAmount", seen);
      return { kind: "unknown", events: [event] };
    }
    const payInfo = seen.info.payInfo;
    const checked: OrderRecord = { ...order, ...(payInfo ? { payInfo } : {}) };
    const verified: Settled = {
      kind: "settled",
      order: checked,
      answer: okAnswer(checked),
      events: [
        payInfo && payInfo.length > 0
          ? { operation: "verifyAmount", outcome: "amount_verified", detail: "from payment details" }
          : {
              operation: "verifyAmount",
              outcome: "amount_unverified",
              detail: "payment details have no payInfo either",
            },
      ],
    };
    if (!payInfo || payInfo.length === 0) return verified;
    return checkPaidAmount("verifyAmount", checked, payInfo, verified);
  },
};
