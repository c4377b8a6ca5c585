/**
 * When an event is tried again, and when it is given up (CONTRACT.md "Events to the merchant"):
 * the first redelivery waits EVENTS_RETRY_DELAY_S, each later one twice the one before, never
 * more than an hour; an event still failing 24 h after it was made goes to the dead-letter queue.
 */

export const MAX_RETRY_DELAY_S = 3600;
export const EVENT_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** The delay before the attempt after `attempt` (1 for the first delivery attempt). */
export function retryDelaySeconds(baseS: number, attempt: number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^12 already exceeds the cap for any base of at least one second: no overflow past it.
  return Math.min(baseS * 2 ** Math.min(exponent, 12), MAX_RETRY_DELAY_S);
}

/** True once an event made at `createdAt` (ISO 8601) is at least 24 h old at `nowMs`. */
export function isPastLifetime(createdAt: string, nowMs: number): boolean {
  return nowMs - Date.parse(createdAt) >= EVENT_LIFETIME_MS;
}
