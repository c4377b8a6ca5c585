/**
 * The edge's structured log: one JSON object per line. The event shape is closed on purpose:
 * it has room for a route pattern, a status, a code and an error name, and none for headers,
 * tokens, bodies or raw paths (a preapproved path carries a regKey token). Event deliveries
 * add the event's id and type, the attempt, its outcome and duration: never its body, its
 * signature or the receiver's URL.
 */
export interface EdgeLogEvent {
  event: string;
  level?: "info" | "error";
  /** The matched route pattern (`/v1/preapproved/:regKeyToken`), never the concrete path. */
  route?: string;
  method?: string;
  status?: number;
  code?: string;
  /** An error's class name. */
  error?: string;
  /** A message known to hold no secret (e.g. a ConfigError naming a setting). */
  detail?: string;
  /** Events to the merchant: the event's id (its `webhook-id`) and type. */
  eventId?: string;
  eventType?: string;
  attempt?: number;
  outcome?: string;
  ms?: number;
}

export function logEdge(event: EdgeLogEvent): void {
  const line = JSON.stringify({ at: new Date().toISOString(), level: "info", ...event });
  if (event.level === "error") console.error(line);
  else console.log(line);
}
