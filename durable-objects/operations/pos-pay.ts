/**
 * POS payments (LINE Pay Offline API v2) with the customer's My Code. LINE Pay's rule: a lost
 * pay answer is settled by checking the orderId, never by paying again. Capture, void and
 * refund of a POS order go through after-payment.ts, which uses the v2 orderId endpoints.
 */
import { GatewayError } from "../../model/problem";
import type { PayInfoItem } from "../../model/money";
import type { OrderRecord } from "../store/order-store";
import { ok, idExtras, problem } from "../views";
import { checkPaidAmount } from "./paid-amount";
import type { CommandOf, Operation, RecoverResult, RecoveryPolicy, Settled } from "../operation";
import { isUncertain, lostStep, refusalAnswer, refusedEvent, uncertainEvent } from "./linepay-outcomes";
import { noPaymentYet } from "./no-payment-yet";
import { paymentApi, stateOf } from "./payment-api";

type PosPayCommand = CommandOf<"posPay">;

/** LINE Pay: check every 3-5 s for up to 20 minutes after a lost pay answer. */
export const POS_RECOVERY: RecoveryPolicy = {
  intervalsMs: [3_000],
  windowMs: 20 * 60_000,
  slowIntervalMs: 15 * 60_000,
};

function settlePaid(
  order: OrderRecord,
  payInfo: PayInfoItem[] | undefined,
  authorized: boolean,
  transactionId: string,
  how: string,
  authorizationExpireDate?: string,
): Settled {
  const paid: OrderRecord = {
    ...order,
    state: authorized ? "AUTHORIZED" : "CAPTURED",
    transactionId,
    payInfo,
    data: {
      ...order.data,
      capturedAmount: authorized ? 0 : order.amount,
      ...(authorizationExpireDate ? { authorizationExpireDate } : {}),
    },
  };
  return checkPaidAmount("posPay", paid, payInfo, {
    kind: "settled",
    order: paid,
    answer: ok(paid),
    events: [{ operation: "posPay", outcome: authorized ? "authorized" : "captured", detail: how }],
  });
}

export const posPay: Operation<PosPayCommand> = {
  op: "posPay",
  startsFrom: ["NEW"],
  // The My Code is a one-time bearer credential: recovery never needs it, so it is not kept.
  stored: (c) => ({ ...c, body: { ...c.body, oneTimeKey: "" } }),
  timeout: "posPay",
  begin: (_order, command, ctx) => ({
    scope: "order",
    refId: command.body.orderId,
    kind: "pos",
    state: "UNKNOWN",
    amount: command.body.amount,
    currency: command.body.currency,
    refundedAmount: 0,
    data: {
      capture: command.body.capture ?? true,
      deviceProfileId: command.body.deviceProfileId ?? ctx.merchant.deviceProfileId,
    },
    createdAt: ctx.now(),
    updatedAt: ctx.now(),
  }),
  async perform(order, command, ctx) {
    const { deviceProfileId, ...body } = command.body;
    const outcome = await ctx.linePay.posPay(body, deviceProfileId ? { deviceProfileId } : {});
    if (outcome.kind === "success") {
      const info = outcome.info;
      return settlePaid(
        order,
        info.payInfo,
        command.body.capture === false,
        info.transactionId,
        "LINE Pay paid",
        info.authorizationExpireDate,
      );
    }
    if (isUncertain(outcome)) return lostStep("posPay", outcome);
    // 1172: a payment with this orderId exists at LINE Pay; the orderId check says whose.
    if (outcome.category === "duplicate")
      return { kind: "unknown", events: [refusedEvent("posPay", outcome)], lostReason: "duplicate" };
    const failed: OrderRecord = { ...order, state: "FAILED" };
    return {
      kind: "settled",
      order: failed,
      answer: refusalAnswer(order, outcome),
      events: [refusedEvent("posPay", outcome)],
    };
  },
  async recover(order, _command, ctx): Promise<RecoverResult> {
    const device = order.data.deviceProfileId;
    const check = await ctx.linePay.posCheck(order.refId, device);
    if (check.kind === "success") {
      if (check.info.status === "FAIL") {
        const failed: OrderRecord = { ...order, state: "FAILED" };
        return {
          kind: "settled",
          order: failed,
          answer: problem(
            new GatewayError("payment_declined", "LINE Pay reports that the payment failed", { ...idExtras(order) }),
          ),
          events: [{ operation: "posPay", outcome: "failed", detail: "status check: FAIL" }],
        };
      }
      const seen = await paymentApi(order, ctx.linePay).lookup(order);
      if (seen.kind !== "success" || !seen.info) {
        return {
          kind: "unknown",
          events: [
            seen.kind === "lost"
              ? uncertainEvent("pos.details", seen)
              : { operation: "pos.details", outcome: "not_listed_yet", detail: `status check: ${check.info.status}` },
          ],
        };
      }
      const state = stateOf(seen.info, order.amount);
      if (state === "AUTHORIZED" || state === "CAPTURED") {
        return settlePaid(
          order,
          seen.info.payInfo,
          state === "AUTHORIZED",
          seen.info.transactionId,
          `status check: ${check.info.status}`,
        );
      }
      const settled: OrderRecord = {
        ...order,
        state,
        transactionId: seen.info.transactionId,
        payInfo: seen.info.payInfo,
        refundedAmount: seen.info.refundedTotal,
      };
      return {
        kind: "settled",
        order: settled,
        answer: ok(settled),
        events: [
          {
            operation: "posPay",
            outcome: "settled",
            detail: `status check: ${check.info.status}, payment ${seen.info.status}`,
          },
        ],
      };
    }
    if (isUncertain(check)) return { kind: "unknown", events: [uncertainEvent("pos.check", check)] };
    if (check.returnCode === "1150") return noPaymentYet(order, "posPay", "pos.check", check);
    return { kind: "unknown", events: [refusedEvent("pos.check", check)] };
  },
  recovery: POS_RECOVERY,
};
