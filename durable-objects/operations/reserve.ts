/**
 * Reserve (LINE Pay Online API v3/v4 `request`): the order is RESERVED with LINE Pay's
 * paymentUrl, and watched until the customer is done (watch-reservation.ts).
 */
import type { OrderRecord } from "../store/order-store";
import { ok } from "../views";
import { DEFAULT_RECOVERY, type CommandOf, type Operation, type OperationContext, type Settled } from "../operation";
import { isUncertain, lostStep, refusalAnswer, refusedEvent } from "./linepay-outcomes";
import { RESERVATION_WATCH_MS } from "./watch-reservation";

type ReserveCommand = CommandOf<"reserve">;

/**
 * A reservation moves no money and its paymentUrl reaches nobody until we answer, so a lost
 * reserve is settled by sending it again: LINE Pay's own orderId check (1172) tells us when
 * the first one went through, and that orphan simply expires unused after 20 minutes.
 */
async function sendReserve(order: OrderRecord, command: ReserveCommand, ctx: OperationContext, retry: boolean) {
  const outcome = await ctx.linePay.request(command.body);
  if (outcome.kind === "success") {
    const reserved: OrderRecord = {
      ...order,
      state: "RESERVED",
      transactionId: outcome.info.transactionId,
      data: { ...order.data, paymentUrl: outcome.info.paymentUrl },
    };
    return {
      kind: "settled",
      order: reserved,
      answer: ok(reserved, 201),
      events: [{ operation: "reserve", outcome: "reserved" }],
      followUps: [{ command: { op: "watchReservation" }, afterMs: RESERVATION_WATCH_MS }],
    } satisfies Settled;
  }
  if (isUncertain(outcome)) return lostStep("reserve", outcome);
  const failed: OrderRecord = { ...order, state: "FAILED" };
  const orphan = retry && outcome.returnCode === "1172";
  const detail = orphan
    ? "the first reserve reached LINE Pay but its answer was lost; that reservation can never be paid and expires unused. Reserve again with a new orderId."
    : undefined;
  return {
    kind: "settled",
    order: failed,
    answer: refusalAnswer(order, outcome, detail),
    events: [refusedEvent("reserve", outcome, detail)],
  } satisfies Settled;
}

export const reserve: Operation<ReserveCommand> = {
  op: "reserve",
  startsFrom: ["NEW"],
  timeout: "request",
  begin: (_order, command, ctx) => ({
    scope: "order",
    refId: command.body.orderId,
    kind: "online",
    state: "UNKNOWN",
    amount: command.body.amount,
    currency: command.body.currency,
    refundedAmount: 0,
    data: {
      capture: command.body.options?.payment?.capture ?? true,
      payType: command.body.options?.payment?.payType ?? "NORMAL",
    },
    createdAt: ctx.now(),
    updatedAt: ctx.now(),
  }),
  perform: (order, command, ctx) => sendReserve(order, command, ctx, false),
  recover: (order, command, ctx) => sendReserve(order, command, ctx, true),
  recovery: DEFAULT_RECOVERY,
};
