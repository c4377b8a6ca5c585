/**
 * Work an operation leaves behind once its own outcome is settled: money owed back, an amount
 * still to verify, a regKey still to hand to its lane, a reservation to watch. Each follow-up
 * is an operation record of its own (written in the commit that settles its parent, so a crash
 * cannot lose it) and is run by the object's alarm through its operation's `recover` until done.
 */

export type FollowUpCommand =
  /** LINE Pay charged another amount than requested: refund it (or void the authorization) */
  | { op: "compensate"; action: "refund" | "void"; reason: string }
  /** LINE Pay's answer carried no payInfo: check the amount from payment details */
  | { op: "verifyAmount" }
  /** a PREAPPROVED confirm's regKey, sealed: its lane object must store it */
  | { op: "registerRegKey"; tid: string; jwe: string }
  /** a RESERVED order: LINE Pay's status check says when the customer is done */
  | { op: "watchReservation" };

export type FollowUpOp = FollowUpCommand["op"];

export interface FollowUp {
  command: FollowUpCommand;
  /** first look after this many ms; 0 runs it at once, before the caller is answered */
  afterMs: number;
}
