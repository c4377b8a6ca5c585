/**
 * LINE Pay's rule (LINEPAY.md): after every pay or confirm, the `payInfo` amounts must add up
 * to the requested amount. When they do not, the money goes back: a `compensate` follow-up
 * refunds the payment (or voids an authorization), at once and then by alarm until done, and
 * the caller hears `amount_mismatch`. LINE Pay refuses a second full refund or void (1165),
 * so retrying can never return money twice. When LINE Pay's answer carried no payInfo (a
 * preapproved payment's usually does not), a `verifyAmount` follow-up reads it from the
 * payment details first.
 */
import { GatewayError } from "../../model/problem";
import { readTimeoutMs, type PayInfoItem } from "../../linepay/types";
import { sameMoney, sumMoney } from "../money";
import type { NewEvent, OrderRecord } from "../store/order-store";
import { idExtras, ok as okAnswer, problem } from "../views";
import type { FollowUpSpec, Settled, StillUnknown } from "./operation";
import { isUncertain, uncertainEvent } from "./outcomes";
import { paymentApi } from "./payment-api";

/**
 * Settles a payment whose `order` already carries LINE Pay's state and transactionId: `ok`
 * when the amounts agree; with a `verifyAmount` follow-up when there is no payInfo to add
 * up; with a `compensate` follow-up and an `amount_mismatch` answer when they differ.
 */
export function checkPaidAmount(
  operation: string,
  order: OrderRecord,
  payInfo: PayInfoItem[] | undefined,
  ok: Settled,
): Settled {
  if (!payInfo || payInfo.length === 0) {
    return {
      ...ok,
      events: [
        ...ok.events,
        { operation, outcome: "amount_unverified", detail: "LINE Pay's answer had no payInfo; reading the details" },
      ],
      followUps: [...(ok.followUps ?? []), { command: { op: "verifyAmount" }, afterMs: 0 }],
    };
  }
  const paid = sumMoney(payInfo.map((p) => p.amount));
  if (sameMoney(paid, order.amount)) return ok;
  const action = order.state === "AUTHORIZED" ? "void" : "refund";
  const reason = `LINE Pay's payInfo adds up to ${paid} ${order.currency}, not the requested ${order.amount}`;
  const owed: OrderRecord = { ...ok.order, data: { ...ok.order.data, compensation: { action, reason } } };
  return {
    kind: "settled",
    order: owed,
    answer: mismatchAnswer(order, `${reason}. The ${action} did not complete yet; the gateway keeps retrying it.`),
    events: [...ok.events, { operation, outcome: "amount_mismatch", detail: `${reason}; ${action} owed` }],
    followUps: [...(ok.followUps ?? []), { command: { op: "compensate", action, reason }, afterMs: 0 }],
  };
}

function mismatchAnswer(order: OrderRecord, detail: string) {
  return problem(new GatewayError("amount_mismatch", detail, idExtras(order)));
}

type CompensateCommand = { op: "compensate"; action: "refund" | "void"; reason: string };

/** The money owed back: refunded (or voided) by alarm until LINE Pay's record shows it. */
export const compensateSpec: FollowUpSpec<CompensateCommand> = {
  op: "compensate",
  readTimeoutMs: (config) => readTimeoutMs(config.linePay, "other"),
  marksUnknown: false,
  answersForParent: true,
  recovery: { intervalsMs: [5_000, 30_000, 60_000, 300_000], windowMs: 20 * 60_000, slowIntervalMs: 15 * 60_000 },
  async recover(order, { action, reason }, ctx): Promise<Settled | StillUnknown> {
    const api = paymentApi(order, ctx.linePay);
    const outcome = action === "void" ? await api.void(order) : await api.refund(order);
    const paid = sumMoney((order.payInfo ?? []).map((p) => p.amount));
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
        if (seen.info.status === "CAPTURE" && seen.info.refundedTotal > 0 && sameMoney(seen.info.refundedTotal, paid))
          return done("REFUNDED", paid);
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

/** The amount a payment answer did not show, read from LINE Pay's payment details. */
export const verifyAmountSpec: FollowUpSpec<{ op: "verifyAmount" }> = {
  op: "verifyAmount",
  readTimeoutMs: (config) => readTimeoutMs(config.linePay, "other"),
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
