/**
 * Events to the merchant (CONTRACT.md "Events to the merchant"): what an order object hands to
 * the `EVENTS` queue, and what the queue's consumer (the Worker's `queue()` handler) reports
 * back to it after each delivery attempt. Plain data: both cross the queue and RPC.
 */

export const EVENT_TYPES = [
  "payment.authenticated",
  "payment.authorized",
  "payment.captured",
  "payment.voided",
  "payment.refunded",
  "payment.failed",
  "payment.expired",
  "payment.unknown",
  "deposit.completed",
  "deposit.failed",
  "deposit.unknown",
  "regkey.expired",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The body a receiver gets, byte for byte what is signed. */
export interface MerchantEvent {
  /** also the `webhook-id` header: the same on every redelivery */
  id: string;
  type: EventType;
  /** ISO 8601 */
  createdAt: string;
  /** counts up per order or deposit, so a receiver can drop stale ones */
  sequence: number;
  data: unknown;
}

/** A queue message: the event and the object that owns it (which hears how delivery went). */
export interface EventMessage {
  /**
   * The Durable Object name of the order or deposit the event belongs to (a regKey's expiry is
   * told by its order): the only owners that hear how delivery went.
   */
  owner: { binding: "ORDERS"; name: string };
  /** the merchant whose webhook settings apply; absent for the default merchant */
  merchantId?: string;
  event: MerchantEvent;
}

export type DeliveryOutcome = "delivered" | "failed" | "dead";

export interface DeliveryReport {
  eventId: string;
  outcome: DeliveryOutcome;
  /** 1 for the first delivery attempt */
  attempt: number;
  /** the receiver's HTTP status, when it answered */
  status?: number;
  /** a short reason without secrets (timeout, network error, "HTTP 500") */
  detail?: string;
}
