/**
 * Reservations that finish without the browser (CONTRACT.md): LINE Pay pushes nothing, so the
 * order object watches each RESERVED order with LINE Pay's status check (a follow-up of the
 * reserve, by alarm): a few seconds after the reservation, then backing off, never more often
 * than once a second, until LINE Pay's 20-minute window has passed, then every few minutes.
 * 0110 (the customer approved) sets `authenticatedAt` (the event `payment.authenticated`), and
 * with `autoConfirm` the order confirms itself (the same operation, key and fingerprint as a
 * caller's confirm: LINE Pay sees one confirm); 0121 makes it EXPIRED (cancelled, or the window
 * passed), 0122 FAILED, and 0123 (confirmed elsewhere) settles it from the payment details.
 */
import type { OrderRecord } from "../store/order-store";
import { ok } from "../views";
import type { FollowUpCommandOf, FollowUpOperation, RecoverResult, Settled } from "../operation";
import { refusedEvent, uncertainEvent } from "./linepay-outcomes";
import { paymentApi, stateOf } from "./payment-api";
import { settleConfirmed } from "./confirm";

/** The first look, a few seconds after the reservation. */
export const FIRST_LOOK_MS = 3_000;
/** Between looks while the customer may still act: at least 1 s (LINE Pay's advice), backing off. */
const LOOKS_MS = [3_000, 3_000, 5_000, 5_000, 10_000, 10_000, 20_000, 30_000, 60_000];
/** LINE Pay's 20-minute window plus a margin for clocks; after it, a look every few minutes. */
const WINDOW_MS = 21 * 60_000;
const AFTER_WINDOW_MS = 5 * 60_000;

const unchanged = (order: OrderRecord): Settled => ({ kind: "settled", order, answer: ok(order), events: [] });

export const watchReservation: FollowUpOperation<FollowUpCommandOf<"watchReservation">> = {
  op: "watchReservation",
  timeout: "other",
  blocksOthers: false,
  marksUnknown: false,
  // Watching is not an unknown outcome: no overdue alert; LINE Pay's window, then slowly.
  recovery: { intervalsMs: LOOKS_MS, windowMs: WINDOW_MS, slowIntervalMs: AFTER_WINDOW_MS, quiet: true },
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
      case "0110": {
        // The customer approved: said once, then (with autoConfirm) confirmed by the gateway, asked
        // again on every look until the order leaves RESERVED (a restart may have lost the first).
        const confirm = order.data.autoConfirm
          ? { next: { op: "confirm" as const, body: { amount: order.amount, currency: order.currency } } }
          : {};
        if (order.data.authenticatedAt !== undefined) return { kind: "unknown", events: [], ...confirm };
        const authenticated: OrderRecord = {
          ...order,
          data: { ...order.data, authenticatedAt: ctx.now() },
        };
        return {
          kind: "settled",
          order: authenticated,
          answer: ok(authenticated),
          events: [{ operation: "watchReservation", outcome: "authenticated", returnCode: "0110" }],
          followUps: [{ command: { op: "watchReservation" }, afterMs: LOOKS_MS[0]! }],
          ...confirm,
        };
      }
      default:
        return { kind: "unknown", events: [] };
    }
  },
};
