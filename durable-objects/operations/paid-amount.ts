/**
 * LINE Pay's rule (LINEPAY.md): after every pay or confirm, the `payInfo` amounts must add up
 * to the requested amount. When they do not, the money goes back: a `compensate` follow-up
 * (compensate.ts) refunds the payment or voids the authorization, and the caller hears
 * `amount_mismatch`. When LINE Pay's answer carried no payInfo (a preapproved payment's usually
 * does not), a `verifyAmount` follow-up (verify-amount.ts) reads it from the payment details:
 * nothing is given back on a guess.
 */
import { GatewayError } from "../../model/problem";
import { paidTotal, sameAmount, type PayInfoItem } from "../../model/money";
import type { JournalOperation } from "../store/journal";
import type { OrderRecord } from "../store/order-store";
import { idExtras, problem } from "../views";
import type { Settled } from "../operation";

/**
 * Settles a payment whose `order` already carries LINE Pay's state and transactionId: `ok`
 * when the amounts agree; with a `verifyAmount` follow-up when there is no payInfo to add
 * up; with a `compensate` follow-up and an `amount_mismatch` answer when they differ.
 */
export function checkPaidAmount(
  operation: JournalOperation,
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
  const paid = paidTotal(payInfo, order.currency);
  if (sameAmount(paid, order.amount, order.currency)) return ok;
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

export function mismatchAnswer(order: OrderRecord, detail: string) {
  return problem(new GatewayError("amount_mismatch", detail, idExtras(order)));
}
