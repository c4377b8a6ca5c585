/**
 * Test controls for faults: queued per operation (and orderId), consumed by the next matching
 * calls. Each fault reproduces one thing LINE Pay or the network between does to a client.
 *
 * LINE Pay is slow, not silent: it may finish a call after the caller gave up, a proxy may
 * answer 502/504 while the origin still processes, and LINE Pay may do the work and answer a
 * temporary code. Work that LINE Pay does "later" runs under `ctx.waitUntil`, so it completes
 * after the caller's read timeout and closed connection, exactly as at the real origin.
 * `GET /__sandbox/idle` waits until every such piece of late work has finished.
 */

export type Fault =
  /** before: start the work `ms` later (it goes on when the caller gives up); after (default): work, then answer `ms` late */
  | { type: "delay"; ms: number; phase?: "before" | "after" }
  /** work (after `ms`, if given), then drop the connection while the answer is read */
  | { type: "drop"; ms?: number }
  /** before (default): a proxy refuses, nothing done; after: work, then the error; later: the error at once, the work `ms` later */
  | { type: "http"; status: number; phase?: "before" | "after" | "later"; ms?: number }
  /** after (default): work, then the connection breaks; before: it breaks with nothing done */
  | { type: "reset"; phase?: "before" | "after" }
  /** after (default): work, then a body that is not JSON; before: that body, nothing done */
  | { type: "malformed"; phase?: "before" | "after" }
  /** before (default): refused with that code, nothing done; after: the work is done, then answered with the code */
  | { type: "returnCode"; returnCode: string; returnMessage?: string; phase?: "before" | "after" }
  | { type: "payAmount"; amount: number };

interface Queued {
  operation: string;
  orderId?: string;
  /** only calls of this channel; any channel when absent */
  channelId?: string;
  fault: Fault;
  remaining: number;
}

const queue: Queued[] = [];

export function addFault(operation: string, fault: Fault, orderId?: string, times = 1, channelId?: string): void {
  queue.push({
    operation,
    fault,
    remaining: Math.max(1, times),
    ...(orderId ? { orderId } : {}),
    ...(channelId ? { channelId } : {}),
  });
}

export function clearFaults(orderId?: string): void {
  for (let i = queue.length - 1; i >= 0; i--) if (!orderId || queue[i]!.orderId === orderId) queue.splice(i, 1);
}

/** The next fault for this call of `channelId`, if any (an orderId-specific one first). */
export function takeFault(operation: string, orderId: string | undefined, channelId: string): Fault | undefined {
  const fits = (q: Queued) => q.operation === operation && (q.channelId === undefined || q.channelId === channelId);
  const index = queue.findIndex((q) => fits(q) && q.orderId !== undefined && q.orderId === orderId);
  const i = index >= 0 ? index : queue.findIndex((q) => fits(q) && q.orderId === undefined);
  if (i < 0) return undefined;
  const q = queue[i]!;
  q.remaining -= 1;
  if (q.remaining <= 0) queue.splice(i, 1);
  return q.fault;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Marks the sandbox's own log lines for a dropped connection: expected, and filtered by `npm start`. */
export const DROP_MARKER = "sandbox fault: connection dropped on purpose";

/**
 * A 200 whose body breaks after its first bytes. The bytes matter: headers and part of the
 * body are on the wire before the break, so every hop (wrangler's dev proxy included) passes
 * it on as a dropped connection instead of turning it into an HTTP 500 of its own.
 */
export function brokenResponse(): Response {
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(new TextEncoder().encode('{"returnCode":"0000","returnMessage":"Succ'));
      await sleep(5);
      controller.error(new Error(DROP_MARKER));
    },
  });
  return new Response(stream, { status: 200, headers: { "Content-Type": "application/json" } });
}

export function httpError(status: number): Response {
  return new Response("<html><body><h1>Bad Gateway</h1></body></html>", {
    status,
    headers: { "Content-Type": "text/html" },
  });
}

export function malformed(): Response {
  return new Response('{"returnCode":"0000","returnMessage":"Succ', {
    status: 200,
    headers: { "Content-Type": "application/json" },
  });
}

/** Late work still running at "LINE Pay" (it outlives the caller's request). */
const late = new Set<Promise<unknown>>();

interface Background {
  waitUntil(promise: Promise<unknown>): void;
}

/** Runs `work` to its end even if the caller goes away, and keeps track of it for `idle`. */
function detached<T>(ctx: Background, work: Promise<T>): Promise<T> {
  const tracked = work.finally(() => late.delete(tracked));
  late.add(tracked);
  tracked.catch(() => undefined);
  ctx.waitUntil(tracked.catch(() => undefined));
  return tracked;
}

/** Resolves once no late work is running (bounded, so a stuck test fails instead of hanging). */
export async function idle(timeoutMs = 30_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (late.size > 0) {
    if (Date.now() > until) return false;
    await Promise.race([Promise.allSettled([...late]), sleep(Math.max(1, until - Date.now()))]);
  }
  return true;
}

/** A LINE Pay answer carrying `code` for work that was done. */
export type CodeAnswer = (code: string, message: string) => Response;

/**
 * Runs `process` under `fault`. `process` is LINE Pay doing the work and answering; the fault
 * decides when it runs, whether it runs at all, and what the client receives.
 */
export async function underFault(
  fault: Fault | undefined,
  ctx: Background,
  process: () => Promise<Response>,
  answerCode: CodeAnswer,
): Promise<Response> {
  if (!fault || fault.type === "payAmount") return process();
  switch (fault.type) {
    case "delay":
      if (fault.phase === "before") return detached(ctx, sleep(fault.ms).then(process));
      return detached(
        ctx,
        process().then(async (answer) => {
          await sleep(fault.ms);
          return answer;
        }),
      );
    case "drop":
      await detached(ctx, sleep(fault.ms ?? 0).then(process));
      return brokenResponse();
    case "reset":
      if (fault.phase !== "before") await process();
      return brokenResponse();
    case "http":
      if (fault.phase === "after") await process();
      if (fault.phase === "later") void detached(ctx, sleep(fault.ms ?? 400).then(process));
      return httpError(fault.status);
    case "malformed":
      if (fault.phase !== "before") await process();
      return malformed();
    case "returnCode":
      if (fault.phase === "after") await process();
      return answerCode(fault.returnCode, fault.returnMessage ?? "Answered by a sandbox fault.");
  }
}
