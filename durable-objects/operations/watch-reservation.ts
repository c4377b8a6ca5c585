/**
 * A reservation the customer never completes must not stay RESERVED forever, and one that was
 * completed elsewhere must not either: LINE Pay gives the customer 20 minutes, so the order
 * object looks again (a follow-up of the reserve, by alarm) once that window has passed and
 * settles from LINE Pay's status check: 0121 EXPIRED (cancelled or window passed), 0122
 * FAILED, 0123 (completed) from the payment details. While the customer has approved but the
 * merchant has not confirmed yet (0110), or LINE Pay cannot be asked, it keeps watching.
 */
import type { OrderRecord } from "../store/order-store";
import { ok } from "../views";
import type { FollowUpCommandOf, FollowUpOperation, RecoverResult, Settled } from "../operation";
import { refusedEvent, uncertainEvent } from "./linepay-outcomes";
import { paymentApi, stateOf } from "./payment-api";
import { settleConfirmed } from "./confirm";

/** LINE Pay's 20-minute window plus a margin for clocks. */
export const RESERVATION_WATCH_MS = 21 * 60_000;
const RECHECK_MS = 5 * 60_000;

const unchanged = (order: OrderRecord): Settled => ({ kind: "settled", order, answer: ok(order), events: [] });

export const watchReservation: FollowUpOperation<FollowUpCommandOf<"watchReservation">> = {
  op: "watchReservation",
  timeout: "other",
  blocksOthers: false,
  marksUnknown: false,
  // Watching is not an unknown outcome: no overdue alert, one look every few minutes.
  recovery: { intervalsMs: [RECHECK_MS], windowMs: Number.MAX_SAFE_INTEGER, slowIntervalMs: RECHECK_MS },
  async recover(order, _command, ctx): Promise<RecoverResult> {
    if (order.state !== "RESERVED" || !order.transactionId) return unchanged(order);
    const status = await ctx.linePay.checkStatus(order.transactionId);
    if (status.kind !== "success")
      return {
        kind: "unknown",
        events: [
          status.kind === "lost"
            ? uncertainEvent("watchReservation", status)
            : refusedEvent("watchReservation", status),
        ],
      };
    switch (status.returnCode) {
      case "0121":
      case "0122": {
        const expired = status.returnCode === "0121";
        return {
          kind: "settled",
          order: { ...order, state: expired ? "EXPIRED" : "FAILED" },
          answer: ok(order),
          events: [
            {
              operation: "watchReservation",
              outcome: expired ? "expired" : "failed",
              returnCode: status.returnCode,
              detail: expired
                ? "the customer cancelled or let LINE Pay's 20-minute window pass"
                : "LINE Pay reports the payment failed",
            },
          ],
        };
      }
      case "0123": {
        // Confirmed, but not through this order's confirm: the payment details say how.
        const seen = await paymentApi(order, ctx.linePay).lookup(order);
        if (seen.kind !== "success" || !seen.info)
          return {
            kind: "unknown",
            events: [{ operation: "watchReservation", outcome: "completed_not_listed", returnCode: "0123" }],
          };
        const state = stateOf(seen.info, order.amount);
        if (state === "AUTHORIZED" || state === "CAPTURED")
          return settleConfirmed(
            order,
            { payInfo: seen.info.payInfo },
            state === "AUTHORIZED",
            ctx,
            "LINE Pay reports the reservation completed (0123); settled from the payment details",
          );
        const settled: OrderRecord = { ...order, state, payInfo: seen.info.payInfo };
        return {
          kind: "settled",
          order: settled,
          answer: ok(settled),
          events: [
            { operation: "watchReservation", outcome: "settled", detail: `payment details show ${seen.info.status}` },
          ],
        };
      }
      default:
        return { kind: "unknown", events: [] };
    }
  },
};
