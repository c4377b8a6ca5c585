/**
 * Test controls for faults: queued per operation (and orderId), consumed by the next matching
 * calls. Each fault reproduces one thing LINE Pay or the network can do to a client.
 */

export type Fault =
  | { type: "delay"; ms: number; phase?: "before" | "after" }
  | { type: "drop" }
  | { type: "http"; status: number; phase?: "before" | "after" }
  | { type: "reset"; phase?: "before" | "after" }
  | { type: "malformed"; phase?: "before" | "after" }
  | { type: "returnCode"; returnCode: string; returnMessage?: string }
  | { type: "payAmount"; amount: number };

interface Queued {
  operation: string;
  orderId?: string;
  fault: Fault;
  remaining: number;
}

const queue: Queued[] = [];

export function addFault(operation: string, fault: Fault, orderId?: string, times = 1): void {
  queue.push({ operation, fault, remaining: Math.max(1, times), ...(orderId ? { orderId } : {}) });
}

export function clearFaults(orderId?: string): void {
  for (let i = queue.length - 1; i >= 0; i--) if (!orderId || queue[i]!.orderId === orderId) queue.splice(i, 1);
}

/** The next fault for this call, if any (an orderId-specific one first). */
export function takeFault(operation: string, orderId?: string): Fault | undefined {
  const index = queue.findIndex((q) => q.operation === operation && q.orderId !== undefined && q.orderId === orderId);
  const i = index >= 0 ? index : queue.findIndex((q) => q.operation === operation && q.orderId === undefined);
  if (i < 0) return undefined;
  const q = queue[i]!;
  q.remaining -= 1;
  if (q.remaining <= 0) queue.splice(i, 1);
  return q.fault;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A 200 whose body fails while it is read: the client sees the connection drop. */
export function brokenResponse(): Response {
  const stream = new ReadableStream({
    start(controller) {
      controller.error(new Error("connection reset by the sandbox"));
    },
  });
  return new Response(stream, { status: 200, headers: { "Content-Type": "application/json" } });
}

export function httpError(status: number): Response {
  return new Response("<html><body><h1>Internal Server Error</h1></body></html>", {
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

/**
 * Runs `process` under `fault`. `process` is LINE Pay doing the work and answering; the fault
 * decides whether it runs and what the client receives.
 */
export async function underFault(fault: Fault | undefined, process: () => Promise<Response>): Promise<Response> {
  if (!fault || fault.type === "payAmount") return process();
  switch (fault.type) {
    case "delay":
      if (fault.phase === "before") {
        await sleep(fault.ms);
        return process();
      } else {
        const answer = await process();
        await sleep(fault.ms);
        return answer;
      }
    case "drop":
      await process();
      return brokenResponse();
    case "reset":
      if (fault.phase !== "before") await process();
      return brokenResponse();
    case "http":
      if (fault.phase === "after") await process();
      return httpError(fault.status);
    case "malformed":
      if (fault.phase !== "before") await process();
      return malformed();
    case "returnCode":
      return process();
  }
}
