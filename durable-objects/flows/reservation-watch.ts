/**
 * A reservation the customer never completes must not stay RESERVED forever: LINE Pay gives
 * the customer 20 minutes, so the order object looks again (by alarm) once that window has
 * passed and settles EXPIRED or FAILED from LINE Pay's status check. While the customer has
 * approved but the merchant has not confirmed yet (0110), it keeps waiting.
 */
import type { NewEvent, OrderRecord } from "../store/order-store";
import type { FlowContext } from "./operation";

/** LINE Pay's 20-minute window plus a margin for clocks. */
export const RESERVATION_WATCH_MS = 21 * 60_000;
const RECHECK_MS = 5 * 60_000;

export async function watchReservation(
  order: OrderRecord,
  ctx: FlowContext,
): Promise<{ order: OrderRecord; events: NewEvent[] }> {
  const stop = { ...order.data, watchAt: undefined };
  if (order.state !== "RESERVED" || !order.transactionId) return { order: { ...order, data: stop }, events: [] };
  const status = await ctx.linePay.checkStatus(order.transactionId);
  if (status.kind === "success" && (status.returnCode === "0121" || status.returnCode === "0122")) {
    const expired = status.returnCode === "0121";
    return {
      order: { ...order, state: expired ? "EXPIRED" : "FAILED", data: stop },
      events: [
        {
          operation: "reservation",
          outcome: expired ? "expired" : "failed",
          returnCode: status.returnCode,
          detail: expired
            ? "the customer cancelled or let LINE Pay's 20-minute window pass"
            : "LINE Pay reports the payment failed",
        },
      ],
    };
  }
  return { order: { ...order, data: { ...order.data, watchAt: ctx.now() + RECHECK_MS } }, events: [] };
}
