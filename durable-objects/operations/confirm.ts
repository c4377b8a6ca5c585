/**
 * Confirm (LINE Pay Online API v3/v4): the customer approved the reservation, the merchant
 * confirms the amount; CAPTURED or AUTHORIZED, a regKey token for a PREAPPROVED reservation
 * (register-regkey.ts). A lost answer is settled from the payment details and the status check.
 */
import { GatewayError } from "../../model/problem";
import type { ConfirmInfo } from "../../linepay/types";
import type { OrderRecord } from "../store/order-store";
import { ok } from "../views";
import {
  DEFAULT_RECOVERY,
  type CommandOf,
  type Operation,
  type OperationContext,
  type RecoverResult,
  type Settled,
} from "../operation";
import {
  isUncertain,
  lostStep,
  notProcessedAnswer,
  refusalAnswer,
  refusedEvent,
  uncertainEvent,
} from "./linepay-outcomes";
import { checkPaidAmount } from "./paid-amount";
import { paymentApi, stateOf } from "./payment-api";
import { regKeyFollowUp, withToken, withoutToken } from "./register-regkey";

type ConfirmCommand = CommandOf<"confirm">;

/** The order paid by a confirm LINE Pay reports, with its regKey and amount follow-ups. */
export async function settleConfirmed(
  order: OrderRecord,
  info: Partial<Pick<ConfirmInfo, "payInfo" | "authorizationExpireDate" | "regKey" | "paymentProvider">>,
  authorized: boolean,
  ctx: OperationContext,
  how: string,
): Promise<Settled> {
  const paid: OrderRecord = {
    ...order,
    state: authorized ? "AUTHORIZED" : "CAPTURED",
    payInfo: info.payInfo,
    data: {
      ...order.data,
      capturedAmount: authorized ? 0 : order.amount,
      ...(info.authorizationExpireDate ? { authorizationExpireDate: info.authorizationExpireDate } : {}),
      // Online API v4: which provider processed it (TSP/EPI), a Taiwanese merchant's record.
      ...(info.paymentProvider ? { paymentProvider: info.paymentProvider } : {}),
    },
  };
  const regKey = await regKeyFollowUp(paid, info, ctx);
  const answer = ok(regKey.order);
  if (regKey.regKeyToken) answer.body = { ...(answer.body as object), regKeyToken: regKey.regKeyToken };
  return checkPaidAmount("confirm", regKey.order, info.payInfo, {
    kind: "settled",
    order: regKey.order,
    answer,
    events: [{ operation: "confirm", outcome: authorized ? "authorized" : "captured", detail: how }, ...regKey.events],
    followUps: regKey.followUps,
  });
}

const statusRefusal = (order: OrderRecord, returnCode: string, returnMessage: string) =>
  refusalAnswer(order, { kind: "refused", category: "refused", returnCode, returnMessage });

export const confirm: Operation<ConfirmCommand> = {
  op: "confirm",
  startsFrom: ["RESERVED"],
  timeout: "confirm",
  storedAnswer: withoutToken,
  replayAnswer: withToken,
  precheck(order, command) {
    if (order && (order.amount !== command.body.amount || order.currency !== command.body.currency)) {
      throw new GatewayError(
        "idempotency_mismatch",
        `confirm must repeat the reserved amount and currency (${order.amount} ${order.currency})`,
      );
    }
  },
  async perform(order, command, ctx) {
    const outcome = await ctx.linePay.confirm(order.transactionId!, command.body);
    if (outcome.kind === "success")
      return settleConfirmed(order, outcome.info, order.data.capture === false, ctx, "LINE Pay confirmed");
    // 1172 on confirm: a confirm for this transaction exists; the details will say.
    if (isUncertain(outcome)) return lostStep("confirm", outcome);
    if (outcome.category === "duplicate")
      return {
        kind: "unknown",
        events: [refusedEvent("confirm", outcome, "LINE Pay reports a duplicate confirm; checking")],
      };
    if (outcome.category === "declined") {
      return {
        kind: "settled",
        order: { ...order, state: "FAILED" },
        answer: refusalAnswer(order, outcome),
        events: [refusedEvent("confirm", outcome)],
      };
    }
    if (outcome.returnCode === "1180") {
      return {
        kind: "settled",
        order: { ...order, state: "EXPIRED" },
        answer: refusalAnswer(order, outcome),
        events: [refusedEvent("confirm", outcome)],
      };
    }
    // The reservation is unchanged at LINE Pay: report the refusal, store nothing.
    return { kind: "not_applied", answer: refusalAnswer(order, outcome), events: [refusedEvent("confirm", outcome)] };
  },
  async recover(order, _command, ctx): Promise<RecoverResult> {
    const seen = await paymentApi(order, ctx.linePay).lookup(order);
    if (seen.kind !== "success") {
      return {
        kind: "unknown",
        events: [seen.kind === "lost" ? uncertainEvent("details", seen) : refusedEvent("details", seen)],
      };
    }
    if (seen.info) {
      const state = stateOf(seen.info, order.amount);
      if (state === "AUTHORIZED" || state === "CAPTURED") {
        return settleConfirmed(
          order,
          { payInfo: seen.info.payInfo },
          state === "AUTHORIZED",
          ctx,
          "payment details show the confirm went through",
        );
      }
      const settled: OrderRecord = { ...order, state, payInfo: seen.info.payInfo };
      return {
        kind: "settled",
        order: settled,
        answer: ok(settled),
        events: [{ operation: "confirm", outcome: "settled", detail: `payment details show ${seen.info.status}` }],
      };
    }
    const status = await ctx.linePay.checkStatus(order.transactionId!);
    if (status.kind !== "success") {
      return {
        kind: "unknown",
        events: [status.kind === "lost" ? uncertainEvent("check", status) : refusedEvent("check", status)],
      };
    }
    switch (status.returnCode) {
      case "0000":
      case "0110":
        // Still awaiting a confirm, as LINE Pay sees it now; the lost one may yet arrive.
        return {
          kind: "not_seen",
          events: [{ operation: "check", outcome: "awaiting_confirm", returnCode: status.returnCode }],
          ifNeverHappened: {
            kind: "not_applied",
            answer: notProcessedAnswer(order, "LINE Pay did not confirm the payment; confirm again"),
            events: [
              {
                operation: "confirm",
                outcome: "not_processed",
                returnCode: status.returnCode,
                detail: "the lost confirm never reached LINE Pay: the reservation still awaits a confirm",
              },
            ],
          },
        };
      case "0121": {
        const expired: OrderRecord = { ...order, state: "EXPIRED" };
        return {
          kind: "settled",
          order: expired,
          answer: statusRefusal(order, "0121", "reservation cancelled or expired"),
          events: [{ operation: "confirm", outcome: "expired", returnCode: "0121" }],
        };
      }
      case "0122": {
        const failed: OrderRecord = { ...order, state: "FAILED" };
        return {
          kind: "settled",
          order: failed,
          answer: statusRefusal(order, "0122", "payment failed"),
          events: [{ operation: "confirm", outcome: "failed", returnCode: "0122" }],
        };
      }
      default:
        // 0123: completed, but details did not list it yet: ask again later.
        return {
          kind: "unknown",
          events: [{ operation: "check", outcome: "completed_not_listed", returnCode: status.returnCode }],
        };
    }
  },
  recovery: DEFAULT_RECOVERY,
};
