/**
 * A queue message's body, checked before anything acts on it. The order objects are its only
 * producers, so a body of another shape is a bug, not an attack: it is dropped (acked) with one
 * log line, since no retry could ever deliver it and no owner could hear about it.
 */
import { EVENT_TYPES, type EventMessage } from "../../model/events";

const OWNER_BINDINGS = new Set(["ORDERS", "REGKEY_LANES"]);
const TYPES = new Set<string>(EVENT_TYPES);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseEventMessage(body: unknown): EventMessage | undefined {
  if (!isRecord(body) || !isRecord(body.owner) || !isRecord(body.event)) return undefined;
  const { owner, event, merchantId } = body;
  if (typeof owner.binding !== "string" || !OWNER_BINDINGS.has(owner.binding)) return undefined;
  if (typeof owner.name !== "string" || owner.name === "") return undefined;
  if (merchantId !== undefined && typeof merchantId !== "string") return undefined;
  if (typeof event.id !== "string" || event.id === "" || event.id.length > 255 || !/^[\x21-\x7e]+$/.test(event.id)) {
    return undefined;
  }
  if (typeof event.type !== "string" || !TYPES.has(event.type)) return undefined;
  if (typeof event.createdAt !== "string" || !Number.isFinite(Date.parse(event.createdAt))) return undefined;
  if (typeof event.sequence !== "number" || !Number.isSafeInteger(event.sequence)) return undefined;
  if (!("data" in event)) return undefined;
  return body as unknown as EventMessage;
}
