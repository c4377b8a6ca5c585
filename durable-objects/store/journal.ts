/**
 * The order journal's vocabulary (the `events` table, shown by GET with the order): which
 * operation a line is about and what happened, as literal unions, so a misspelt name is a
 * compile error and a reader of the journal has a closed list.
 */
import type { OrderCommand } from "../../model/commands";
import type { FollowUpCommand } from "../operation";

/** What a journal line is about: an operation or follow-up (by its name), or a LINE Pay record read during recovery. */
export type JournalOperation =
  | OrderCommand["op"]
  | FollowUpCommand["op"]
  // LINE Pay's records read during recovery
  | "details"
  | "check"
  | "pos.check"
  | "pos.details"
  // the regKey of a preapproved order, and the delivery of the order's events
  | "regkey"
  | "event";

export const JOURNAL_OUTCOMES = [
  // the call's life
  "sent",
  "answer_lost",
  "answer_uncertain",
  "internal_error",
  "not_found_yet",
  "recovery_overdue",
  // LINE Pay's answers
  "reserved",
  "authorized",
  "captured",
  "voided",
  "refunded",
  "completed",
  "expired",
  "failed",
  "declined",
  "refused",
  "settled",
  "not_processed",
  "never_created",
  "not_sent",
  // what recovery read
  "awaiting_confirm",
  "completed_not_listed",
  "not_listed_yet",
  "no_payment",
  "payment_not_found",
  "queued_in_lane",
  "unchanged",
  // amounts
  "amount_verified",
  "amount_unverified",
  "amount_mismatch",
  // regKeys
  "regkey_sealed",
  "regkey_stored",
  "regkey_not_stored",
  "removed",
  // event delivery
  "event_delivered",
  "event_failed",
  "event_dead",
] as const;
export type JournalOutcome = (typeof JOURNAL_OUTCOMES)[number];

/** One line to append to an order's journal. */
export interface NewEvent {
  operation: JournalOperation;
  outcome: JournalOutcome;
  returnCode?: string;
  detail?: string;
}
