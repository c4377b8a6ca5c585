/**
 * Turning LINE Pay outcomes into journal events and caller answers, the same way for every
 * flow. A `temporary` refusal (1199, 190X, 9000) is treated like a lost answer: LINE Pay
 * itself is unsure whether it processed the call, so the gateway must ask, not assume.
 */
import type { GatewayAnswer } from "../../model/answer";
import { GatewayError } from "../../model/problem";
import type { Outcome } from "../../linepay/types";
import type { JournalOperation, NewEvent } from "../store/journal";
import type { OrderRecord } from "../store/order-store";
import { idExtras, problem } from "../views";

export type Refused = Extract<Outcome<unknown>, { kind: "refused" }>;
export type Lost = Extract<Outcome<unknown>, { kind: "lost" }>;

export type Temporary = Refused & { category: "temporary" };

/** Whether the outcome leaves the call's effect unknown. */
export function isUncertain(outcome: Outcome<unknown>): outcome is Lost | Temporary {
  return outcome.kind === "lost" || (outcome.kind === "refused" && outcome.category === "temporary");
}

export function uncertainEvent(operation: JournalOperation, outcome: Lost | Refused): NewEvent {
  if (outcome.kind === "lost") {
    const status = outcome.httpStatus ? ` (HTTP ${outcome.httpStatus})` : "";
    return { operation, outcome: "answer_lost", detail: `${outcome.reason}${status}: ${outcome.detail}` };
  }
  return {
    operation,
    outcome: "answer_uncertain",
    returnCode: outcome.returnCode,
    detail: `LINE Pay answered a temporary error (${outcome.returnMessage}); whether it processed the call is unknown`,
  };
}

/** The StillUnknown result for an uncertain outcome, remembering how it was lost. */
export function lostStep(
  operation: JournalOperation,
  outcome: Lost | Refused,
): { kind: "unknown"; events: NewEvent[]; lostReason: string } {
  return {
    kind: "unknown",
    events: [uncertainEvent(operation, outcome)],
    lostReason: outcome.kind === "lost" ? outcome.reason : "temporary",
  };
}

export function refusedEvent(operation: JournalOperation, outcome: Refused, detail?: string): NewEvent {
  return {
    operation,
    outcome: outcome.category === "declined" ? "declined" : "refused",
    returnCode: outcome.returnCode,
    detail: detail ?? outcome.returnMessage,
  };
}

/** The caller's answer for a LINE Pay refusal: 402 for the customer's side, else 502. */
export function refusalAnswer(
  order: Pick<OrderRecord, "scope" | "refId">,
  outcome: Refused,
  detail?: string,
): GatewayAnswer {
  const code = outcome.category === "declined" ? "payment_declined" : "upstream_error";
  return problem(
    new GatewayError(code, detail ?? `LINE Pay refused: ${outcome.returnMessage}`, {
      ...idExtras(order),
      returnCode: outcome.returnCode,
      returnMessage: outcome.returnMessage,
    }),
  );
}

/** LINE Pay says the call did not take effect; the caller may retry. */
export function notProcessedAnswer(order: Pick<OrderRecord, "scope" | "refId">, detail: string): GatewayAnswer {
  return problem(new GatewayError("upstream_unavailable", detail, { ...idExtras(order), retryAfter: 1 }));
}
