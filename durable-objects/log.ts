/**
 * One structured JSON line per event. Callers pass only non-secret fields: ids, operation
 * names, codes, durations. Never bodies, headers, regKeys or tokens.
 */
export function logEvent(event: Record<string, unknown>): void {
  const line = JSON.stringify({ at: new Date().toISOString(), ...event });
  if (event.level === "error" || event.level === "alert") console.error(line);
  else console.log(line);
}

/**
 * A LINE Pay answer slower than this is logged even when it succeeded: slowness is the first
 * sign of the lost answers this gateway exists to recover.
 */
export const SLOW_LINEPAY_CALL_MS = 1_000;

/**
 * The LINE Pay client's line for one call, printed unless it is a plain, prompt success (a
 * line per successful call is most of a busy gateway's log volume, and the order's journal
 * already tells it): every refusal, temporary code, lost answer and slow call is logged.
 */
export function logLinePayCall(event: Record<string, unknown>): void {
  if (event.outcome === "success" && typeof event.ms === "number" && event.ms < SLOW_LINEPAY_CALL_MS) return;
  logEvent(event);
}
