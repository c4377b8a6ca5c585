/** One structured JSON line per edge event. Never given tokens, bodies or secrets. */
export function logEdge(event: Record<string, unknown>): void {
  const line = JSON.stringify({ at: new Date().toISOString(), ...event });
  if (event.level === "error") console.error(line);
  else console.log(line);
}
