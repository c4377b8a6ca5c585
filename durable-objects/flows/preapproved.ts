/**
 * Preapproved payments on a stored regKey. The order object gives the payment its orderId
 * idempotency, journal and recovery like any other; the regKey's lane object (one per token)
 * holds the regKey and runs one payment at a time on it. A lost answer is recovered here by
 * payment details by orderId, which needs no regKey.
 */
import type { PreapprovedPayBody } from "../../model/commands";
import { GatewayError } from "../../model/problem";
import type { LanePayResult } from "../regkey-lane";
import type { OperationRecord, OrderRecord } from "../store/order-store";
import { idExtras, ok, problem } from "../views";
import { checkPaidAmount } from "./amount-check";
import type { FlowContext, OperationSpec, StepResult } from "./operation";
import { DEFAULT_RECOVERY } from "./operation";
import { isUncertain, lostStep, refusalAnswer, refusedEvent, uncertainEvent } from "./outcomes";
import { settleNotFound } from "./never-created";
import { snapshotOf, stateOf } from "./payment-api";
import { DEFAULT_TIMEOUTS_MS } from "../../linepay/types";

type PreapprovedCommand = { op: "preapprovedPay"; tokenId: string; body: PreapprovedPayBody };

const lane = (ctx: FlowContext, tid: string) => ctx.env.REGKEY_LANES.getByName(tid);

async function settleFromDetails(
  order: OrderRecord,
  ctx: FlowContext,
  record: OperationRecord | undefined,
  how: string,
): Promise<StepResult> {
  const seen = await ctx.linePay.details({ orderIds: [order.refId] });
  if (seen.kind !== "success")
    return {
      kind: "unknown",
      events: [seen.kind === "lost" ? uncertainEvent("details", seen) : refusedEvent("details", seen)],
    };
  const found = seen.info.find((d) => d.orderId === order.refId);
  if (!found) {
    return settleNotFound(order, record, ctx, {
      operation: "preapprovedPay",
      check: "details",
      readTimeoutMs: ctx.config.linePay.timeoutMs ?? DEFAULT_TIMEOUTS_MS.other,
    });
  }
  const state = stateOf(snapshotOf(found), order.amount);
  const paid: OrderRecord = {
    ...order,
    state,
    transactionId: found.transactionId,
    ...(found.payInfo ? { payInfo: found.payInfo } : {}),
    data: { ...order.data, capturedAmount: state === "AUTHORIZED" ? 0 : order.amount },
  };
  return checkPaidAmount("preapprovedPay", paid, order.amount, found.payInfo, ctx, {
    kind: "settled",
    order: paid,
    answer: ok(paid),
    events: [{ operation: "preapprovedPay", outcome: state === "AUTHORIZED" ? "authorized" : "captured", detail: how }],
  });
}

export const preapprovedPaySpec: OperationSpec<PreapprovedCommand> = {
  op: "preapprovedPay",
  key: () => "preapprovedPay",
  params: (c) => ({ tokenId: c.tokenId, body: c.body }),
  stored: (c) => c,
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
    const { outcome, regKeyRemoved } = result;
    if (outcome.kind === "success") {
      const info = outcome.info;
      const authorized = command.body.capture === false;
      if (!info.payInfo)
        return settleFromDetails(
          { ...order, transactionId: info.transactionId },
          ctx,
          undefined,
          "LINE Pay paid; payInfo from payment details",
        );
      const paid: OrderRecord = {
        ...order,
        state: authorized ? "AUTHORIZED" : "CAPTURED",
        transactionId: info.transactionId,
        payInfo: info.payInfo,
        data: {
          ...order.data,
          capturedAmount: authorized ? 0 : order.amount,
          ...(info.authorizationExpireDate ? { authorizationExpireDate: info.authorizationExpireDate } : {}),
        },
      };
      return checkPaidAmount("preapprovedPay", paid, order.amount, info.payInfo, ctx, {
        kind: "settled",
        order: paid,
        answer: ok(paid),
        events: [{ operation: "preapprovedPay", outcome: authorized ? "authorized" : "captured" }],
      });
    }
    if (isUncertain(outcome)) return lostStep("preapprovedPay", outcome);
    if (outcome.category === "duplicate")
      return { kind: "unknown", events: [refusedEvent("preapprovedPay", outcome)], lostReason: "duplicate" };
    const failed: OrderRecord = { ...order, state: "FAILED" };
    const events = [refusedEvent("preapprovedPay", outcome)];
    if (regKeyRemoved)
      events.push({
        operation: "regkey",
        outcome: "removed",
        returnCode: outcome.returnCode,
        detail: "LINE Pay's rule: regKey expired and removed from the vault",
      });
    return { kind: "settled", order: failed, answer: refusalAnswer(order, outcome), events };
  },
  recover: (order, _command, ctx, record) =>
    settleFromDetails(order, ctx, record, "payment details show the lost payment went through"),
  recovery: DEFAULT_RECOVERY,
};
