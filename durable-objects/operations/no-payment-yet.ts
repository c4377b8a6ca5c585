/**
 * LINE Pay knows no payment for an order whose pay answer was lost. That is "not yet" for as
 * long as the pay may still be running at LINE Pay; the runner decides when that is over
 * (runner.ts `#weigh`), whatever the loss looked like: a 502/504 says nothing about the origin,
 * and a temporary code may come with the work done. Only then is the order FAILED as never
 * created, and the caller told to pay again under a new orderId. Used by every creating
 * payment (POS pay, preapproved pay).
 */
import { GatewayError } from "../../model/problem";
import type { JournalOperation } from "../store/journal";
import type { OrderRecord } from "../store/order-store";
import { idExtras, problem } from "../views";
import type { NotSeen } from "../operation";

export function noPaymentYet(
  order: OrderRecord,
  operation: JournalOperation,
  check: JournalOperation,
  refusal?: { returnCode: string; returnMessage: string },
  sentAt?: number,
): NotSeen {
  const code = refusal ? { returnCode: refusal.returnCode } : {};
  const failed: OrderRecord = { ...order, state: "FAILED" };
  return {
    kind: "not_seen",
    ...(sentAt === undefined ? {} : { sentAt }),
    events: [{ operation: check, outcome: "no_payment", ...code, detail: "LINE Pay knows no payment for this order" }],
    ifNeverHappened: {
      kind: "settled",
      order: failed,
      answer: problem(
        new GatewayError("upstream_unavailable", "LINE Pay never created the payment; pay again with a new orderId", {
          ...idExtras(order),
          ...code,
          ...(refusal ? { returnMessage: refusal.returnMessage } : {}),
        }),
      ),
      events: [
        {
          operation,
          outcome: "never_created",
          ...code,
          detail: `${check}: no such payment long after the lost call could have finished`,
        },
      ],
    },
  };
}
