/**
 * Preapproved payments on a stored regKey. The order object gives the payment its orderId
 * idempotency, journal and recovery like any other; the regKey's lane object (one per token)
 * holds the regKey and runs one payment at a time on it, and says when it really sent each
 * one. A lost answer is recovered here by payment details by orderId, which needs no regKey.
 */
import { GatewayError } from "../../model/problem";
import type { PaymentDetail } from "../../linepay/types";
import type { LanePayResult, LaneSend } from "../regkey/lane";
import type { OrderRecord } from "../store/order-store";
import { idExtras, ok, problem } from "../views";
import { checkPaidAmount } from "./paid-amount";
import type { CommandOf, Operation, OperationContext, RecoverResult, Settled } from "../operation";
import { DEFAULT_RECOVERY } from "../operation";
import { isUncertain, lostStep, refusalAnswer, refusedEvent, uncertainEvent } from "./linepay-outcomes";
import { noPaymentYet } from "./no-payment-yet";
import { snapshotOf, stateOf } from "./payment-api";

type PreapprovedCommand = CommandOf<"preapprovedPay">;

const lane = (ctx: OperationContext, tid: string) => ctx.env.REGKEY_LANES.getByName(tid);

/** The order as LINE Pay's payment (details entry, or a pay answer) shows it. */
function paidFrom(
  order: OrderRecord,
  found: Pick<PaymentDetail, "transactionId" | "payInfo">,
  state: OrderRecord["state"],
  how: string,
): Settled {
  const paid: OrderRecord = {
    ...order,
    state,
    transactionId: found.transactionId,
    ...(found.payInfo ? { payInfo: found.payInfo } : {}),
    data: { ...order.data, capturedAmount: state === "AUTHORIZED" ? 0 : order.amount },
  };
  return checkPaidAmount("preapprovedPay", paid, found.payInfo, {
    kind: "settled",
    order: paid,
    answer: ok(paid),
    events: [{ operation: "preapprovedPay", outcome: state === "AUTHORIZED" ? "authorized" : "captured", detail: how }],
  });
}

export const preapprovedPay: Operation<PreapprovedCommand> = {
  op: "preapprovedPay",
  startsFrom: ["NEW"],
  params: (c) => ({ tokenId: c.tokenId, body: c.body }),
  timeout: "other",
  async precheck(_order, command, ctx) {
    const check = await lane(ctx, command.tokenId).check(command.tokenId);
    if (!check.usable) throw new GatewayError(check.code, check.detail);
  },
  begin: (_order, command, ctx) => ({
    scope: "order",
    refId: command.body.orderId,
    kind: "preapproved",
    state: "UNKNOWN",
    amount: command.body.amount,
    currency: command.body.currency,
    refundedAmount: 0,
    data: { capture: command.body.capture ?? true, regKeyTid: command.tokenId },
    createdAt: ctx.now(),
    updatedAt: ctx.now(),
  }),
  async perform(order, command, ctx) {
    // RPC wraps the result type; the lane's own type is what comes back.
    const result = (await lane(ctx, command.tokenId).pay(command.tokenId, command.body)) as LanePayResult;
    if (result.kind === "unusable") {
      const failed: OrderRecord = { ...order, state: "FAILED" };
      return {
        kind: "settled",
        order: failed,
        answer: problem(new GatewayError(result.code, result.detail, idExtras(order))),
        events: [{ operation: "preapprovedPay", outcome: "not_sent", detail: result.detail }],
      };
    }
    const { outcome, regKeyRemoved, sentAt } = result;
    if (outcome.kind === "success") {
      const info = outcome.info;
      const authorized = command.body.capture === false;
      // LINE Pay's usual answer has no payInfo: the payment is made (its transactionId is
      // kept), and the amount is checked from the payment details (checkPaidAmount).
      const expiry = info.authorizationExpireDate ? { authorizationExpireDate: info.authorizationExpireDate } : {};
      return paidFrom(
        { ...order, data: { ...order.data, ...expiry } },
        info,
        authorized ? "AUTHORIZED" : "CAPTURED",
        "LINE Pay paid",
      );
    }
    if (isUncertain(outcome)) return { ...lostStep("preapprovedPay", outcome), sentAt };
    if (outcome.category === "duplicate")
      return { kind: "unknown", events: [refusedEvent("preapprovedPay", outcome)], lostReason: "duplicate", sentAt };
    const failed: OrderRecord = { ...order, state: "FAILED" };
    const events = [refusedEvent("preapprovedPay", outcome)];
    if (regKeyRemoved)
      events.push({
        operation: "regkey",
        outcome: "removed",
        returnCode: outcome.returnCode,
        detail: "LINE Pay's rule: the regKey is expired at LINE Pay and removed from the vault",
      });
    return { kind: "settled", order: failed, answer: refusalAnswer(order, outcome), events };
  },
  async recover(order, command, ctx): Promise<RecoverResult> {
    const seen = await ctx.linePay.details({ orderIds: [order.refId] });
    if (seen.kind !== "success")
      return {
        kind: "unknown",
        events: [seen.kind === "lost" ? uncertainEvent("details", seen) : refusedEvent("details", seen)],
      };
    const found = seen.info.find((d) => d.orderId === order.refId);
    if (found)
      return paidFrom(
        order,
        found,
        stateOf(snapshotOf(found, order.currency), order.amount),
        "payment details show the lost payment went through",
      );
    // Nothing at LINE Pay yet. The window runs from when the lane really sent the payment;
    // one still waiting in the lane has not been sent at all.
    const sent = (await lane(ctx, command.tokenId).sent(order.refId)) as LaneSend;
    if (sent.status === "queued")
      return { kind: "unknown", events: [{ operation: "preapprovedPay", outcome: "queued_in_lane" }] };
    return noPaymentYet(order, "preapprovedPay", "details", undefined, sent.status === "sent" ? sent.at : undefined);
  },
  recovery: DEFAULT_RECOVERY,
};
