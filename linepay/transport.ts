/**
 * One LINE Pay call: sign, send with a read timeout that covers the body too, and turn what
 * came back into exactly one Outcome. The line between `refused` and `lost` is the point of
 * this module: a refusal is LINE Pay's definite answer; anything else after sending (timeout,
 * reset, HTTP 5xx, a body that is not LINE Pay's envelope) is lost, never a refusal.
 */
import { parseLinePayJson } from "./json";
import { classifyReturnCode } from "./return-codes";
import { v2Headers, v3Headers } from "./sign";
import type { LinePayClientOptions, Outcome, RefusalCategory } from "./types";

export interface CallSpec {
  /** operation name for logs */
  operation: string;
  method: "GET" | "POST";
  path: string;
  /** GET: the query string without "?" */
  query?: string;
  /** POST: the body object; serialized once and signed as sent. `undefined` sends no body */
  body?: unknown;
  auth: "v3" | "v2";
  timeoutMs: number;
  /** codes that mean success for this operation (default ["0000"]) */
  successCodes?: string[];
  deviceProfileId?: string;
  deviceType?: string;
  classify?: (code: string) => RefusalCategory;
  /** path with secrets (a regKey) replaced, for logs */
  logPath?: string;
}

export async function callLinePay<T>(options: LinePayClientOptions, spec: CallSpec): Promise<Outcome<T>> {
  const started = Date.now();
  const outcome = await send<T>(options, spec);
  options.log?.({
    event: "linepay.call",
    operation: spec.operation,
    method: spec.method,
    path: spec.logPath ?? spec.path,
    outcome: outcome.kind,
    ...(outcome.kind === "lost"
      ? { reason: outcome.reason, status: outcome.httpStatus }
      : { returnCode: outcome.returnCode }),
    ms: Date.now() - started,
  });
  return outcome;
}

async function send<T>(options: LinePayClientOptions, spec: CallSpec): Promise<Outcome<T>> {
  const payload =
    spec.method === "POST" ? (spec.body === undefined ? "" : JSON.stringify(spec.body)) : (spec.query ?? "");
  const device = { deviceProfileId: spec.deviceProfileId, deviceType: spec.deviceType };
  const headers =
    spec.auth === "v3"
      ? await v3Headers(options.channelId, options.channelSecret, spec.path, payload, device)
      : v2Headers(options.channelId, options.channelSecret, device);
  const url = options.apiBase + spec.path + (spec.method === "GET" && payload ? `?${payload}` : "");

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), spec.timeoutMs);
  let status: number;
  let text: string;
  try {
    const res = await (options.fetch ?? fetch)(url, {
      method: spec.method,
      headers,
      body: spec.method === "POST" && payload !== "" ? payload : undefined,
      signal: controller.signal,
    });
    status = res.status;
    text = await res.text(); // still under the timer: a stalled body is a lost answer too
  } catch (error) {
    const timedOut = controller.signal.aborted;
    return {
      kind: "lost",
      reason: timedOut ? "timeout" : "network",
      detail: timedOut
        ? `no answer within ${spec.timeoutMs} ms`
        : `connection failed: ${error instanceof Error ? error.message : "unknown"}`,
    };
  } finally {
    clearTimeout(timer);
  }

  if (status >= 500) return { kind: "lost", reason: "http", httpStatus: status, detail: `HTTP ${status}` };
  let envelope: { returnCode?: unknown; returnMessage?: unknown; info?: unknown };
  try {
    envelope = parseLinePayJson(text) as typeof envelope;
  } catch {
    envelope = {};
  }
  if (typeof envelope !== "object" || envelope === null || typeof envelope.returnCode !== "string") {
    // A 4xx without LINE Pay's envelope was refused before it became anything (a proxy, a
    // wrong path): nothing was processed. A 2xx without one is an answer we cannot read.
    if (status >= 400)
      return {
        kind: "refused",
        category: "refused",
        returnCode: `HTTP_${status}`,
        returnMessage: `HTTP ${status} without a LINE Pay answer`,
      };
    return {
      kind: "lost",
      reason: "malformed",
      httpStatus: status,
      detail: "the answer is not LINE Pay's JSON envelope",
    };
  }
  const returnCode = envelope.returnCode;
  const returnMessage = typeof envelope.returnMessage === "string" ? envelope.returnMessage : "";
  if ((spec.successCodes ?? ["0000"]).includes(returnCode)) {
    return { kind: "success", returnCode, returnMessage, info: (envelope.info ?? {}) as T };
  }
  return { kind: "refused", category: (spec.classify ?? classifyReturnCode)(returnCode), returnCode, returnMessage };
}
