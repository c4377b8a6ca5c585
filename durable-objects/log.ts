/**
 * One structured JSON line per event. Callers pass only non-secret fields: ids, operation
 * names, codes, durations. Never bodies, headers, regKeys or tokens.
 */
export function logEvent(event: Record<string, unknown>): void {
  const line = JSON.stringify({ at: new Date().toISOString(), ...event });
  if (event.level === "error" || event.level === "alert") console.error(line);
  else console.log(line);
}
