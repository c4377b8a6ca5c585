/**
 * A queue message's body, checked for what the consumer relies on before it acts. The order
 * objects are its only producers, so a body of another shape is a bug, not an attack: it is
 * dropped (acked) with one log line, since no retry could deliver it and no owner could hear.
 */
import type { EventMessage } from "../../model/events";

export function parseEventMessage(body: unknown): EventMessage | undefined {
  const m = body as Partial<EventMessage> | null;
  const owner = m?.owner;
  const event = m?.event;
  const ok =
    owner?.binding === "ORDERS" &&
    typeof owner.name === "string" &&
    (m?.merchantId === undefined || typeof m.merchantId === "string") &&
    // the `webhook-id` header: printable ASCII (Standard Webhooks)
    /^[\x21-\x7e]{1,255}$/.test(String(event?.id)) &&
    typeof event?.type === "string" &&
    Number.isFinite(Date.parse(String(event?.createdAt))) &&
    Number.isSafeInteger(event?.sequence);
  return ok ? (m as EventMessage) : undefined;
}
