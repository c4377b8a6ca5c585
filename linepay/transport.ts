/**
 * One LINE Pay call: serialize once, sign exactly what is sent, send under a read timeout that
 * covers the body too, and turn what came back into exactly one Outcome. The line between
 * `refused` and `lost` is the point of this module: a refusal is a definite answer that nothing
 * was (or will be) done; anything after sending that leaves that open is lost, never a refusal.
 */
import { parseLinePayJson } from "./json";
import { CREDENTIAL_CODES, paymentCategory } from "./return-codes";
import { type DeviceHeaders, v2Headers, v3Headers } from "./sign";
import type { LinePayClientOptions, Outcome, RefusalCategory } from "./types";

export interface CallSpec {
  /** operation name for logs: "confirm", "pos.pay", ... */
  operation: string;
  method: "GET" | "POST";
  /** path with every segment already URL-encoded */
  path: string;
  /** GET: the query string without "?" */
  query?: string;
  /** POST: the body; serialized once. `undefined` sends no body and signs "" */
  body?: unknown;
  auth: "v3" | "v2";
  timeoutMs: number;
  /** codes that mean success for this operation (default ["0000"]) */
  successCodes?: readonly string[];
  device?: DeviceHeaders;
  /** the refusal table (default: payments; Partner Deposit has its own) */
  categorize?: (code: string) => RefusalCategory;
  /** placeholder → value that must never reach a log line or an Outcome (a regKey) */
  redact?: Record<string, string>;
}

type Exchange = { kind: "answer"; status: number; text: string } | Extract<Outcome<never>, { kind: "lost" }>;

export async function callLinePay<T>(options: LinePayClientOptions, spec: CallSpec): Promise<Outcome<T>> {
  const started = Date.now();
  const payload =
    spec.method === "POST" ? (spec.body === undefined ? "" : JSON.stringify(spec.body)) : (spec.query ?? "");
  const signed = spec.method === "POST" ? { body: payload } : { query: payload };
  const headers =
    spec.auth === "v3"
      ? await v3Headers({
          channelId: options.channelId,
          channelSecret: options.channelSecret,
          path: spec.path,
          ...signed,
          ...spec.device,
        })
      : v2Headers({ channelId: options.channelId, channelSecret: options.channelSecret, ...spec.device });
  const url =
    options.apiBase.replace(/\/+$/, "") + spec.path + (spec.method === "GET" && payload !== "" ? `?${payload}` : "");
  const init: RequestInit = {
    method: spec.method,
    headers,
    // No body at all (not "") when there is none, as LINE Pay documents void and expire.
    body: spec.method === "POST" && payload !== "" ? payload : undefined,
    // A redirect is not LINE Pay's answer, and following one would resend a signed POST as GET.
    redirect: "manual",
  };

  const exchanged = await exchange(options.fetch ?? fetch, url, init, spec.timeoutMs);
  const outcome = exchanged.kind === "answer" ? interpret<T>(exchanged.status, exchanged.text, spec) : exchanged;
  const result = redactOutcome(outcome, spec.redact);
  if (result.kind === "refused" && CREDENTIAL_CODES.has(result.returnCode)) options.onCredentialsRefused?.();
  log(
    options,
    spec,
    result,
    exchanged.kind === "answer" ? exchanged.status : result.kind === "lost" ? result.httpStatus : undefined,
    Date.now() - started,
  );
  return result;
}

/**
 * Sends and reads the whole body under one deadline. Racing the deadline (not only aborting
 * the signal) keeps the timeout true even where an abort does not reach a stalled body; the
 * abort still cancels the real request, and the timer is always cleared.
 */
async function exchange(fetchFn: typeof fetch, url: string, init: RequestInit, timeoutMs: number): Promise<Exchange> {
  const controller = new AbortController();
  let status: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      resolve("timeout");
      controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError"));
    }, timeoutMs);
  });
  const call = (async () => {
    const response = await fetchFn(url, { ...init, signal: controller.signal });
    status = response.status;
    // Still under the deadline: an answer that stalls or drops mid-body is lost, like no answer.
    return { kind: "answer" as const, status: response.status, text: await response.text() };
  })();
  // When the deadline wins, the abort rejects `call` later: handled here, never floating.
  call.catch(() => undefined);
  const after = () => (status === undefined ? "" : ` after headers (HTTP ${status})`);
  try {
    const won = await Promise.race([call, deadline]);
    if (won === "timeout")
      return { kind: "lost", reason: "timeout", detail: `no complete answer within ${timeoutMs} ms${after()}` };
    return won;
  } catch (error) {
    if (controller.signal.aborted)
      return { kind: "lost", reason: "timeout", detail: `no complete answer within ${timeoutMs} ms${after()}` };
    const what = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
    return { kind: "lost", reason: "network", detail: `connection failed${after()}: ${what.slice(0, 200)}` };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * HTTP status and body to an Outcome. Choices (LINE Pay answers business errors as HTTP 200
 * with a returnCode, so anything else is the path between us):
 * - 5xx: lost/http. A gateway or LINE Pay itself failed; it may have processed the call.
 * - A LINE Pay envelope (a string returnCode), whatever the status below 500: its returnCode
 *   decides. A success code on a non-2xx status contradicts itself: lost/malformed.
 * - 3xx/4xx without an envelope: refused, returnCode "HTTP_<status>". Something in front of
 *   LINE Pay (a proxy, a wrong path or base URL) turned the request away before it became a
 *   payment; reporting it as lost would send the gateway asking about a call never made.
 * - 2xx without an envelope (not JSON, no string returnCode): lost/malformed.
 */
function interpret<T>(status: number, text: string, spec: CallSpec): Outcome<T> {
  if (status >= 500)
    return { kind: "lost", reason: "http", httpStatus: status, detail: `HTTP ${status} from LINE Pay or a proxy` };
  let envelope: unknown;
  try {
    envelope = parseLinePayJson(text);
  } catch {
    envelope = undefined;
  }
  const e = (typeof envelope === "object" && envelope !== null && !Array.isArray(envelope) ? envelope : {}) as {
    returnCode?: unknown;
    returnMessage?: unknown;
    info?: unknown;
  };
  const ok = status >= 200 && status < 300;
  if (typeof e.returnCode !== "string") {
    if (!ok)
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
  const returnCode = e.returnCode;
  const returnMessage = typeof e.returnMessage === "string" ? e.returnMessage : "";
  if ((spec.successCodes ?? ["0000"]).includes(returnCode)) {
    if (!ok)
      return {
        kind: "lost",
        reason: "malformed",
        httpStatus: status,
        detail: `success code ${returnCode} on HTTP ${status}`,
      };
    return { kind: "success", returnCode, returnMessage, info: (e.info ?? {}) as T };
  }
  return { kind: "refused", category: (spec.categorize ?? paymentCategory)(returnCode), returnCode, returnMessage };
}

function redactText(text: string, redact: Record<string, string> | undefined): string {
  let out = text;
  for (const [name, value] of Object.entries(redact ?? {})) {
    if (value === "") continue;
    for (const form of new Set([encodeURIComponent(value), value])) out = out.replaceAll(form, `{${name}}`);
  }
  return out;
}

/** The detail (an error message may quote the URL) and message never carry a redacted value. */
function redactOutcome<T>(outcome: Outcome<T>, redact: Record<string, string> | undefined): Outcome<T> {
  if (!redact) return outcome;
  if (outcome.kind === "lost") return { ...outcome, detail: redactText(outcome.detail, redact) };
  return { ...outcome, returnMessage: redactText(outcome.returnMessage, redact) };
}

/** One line per call: names and codes only, never a body, header, secret or regKey. */
function log(
  options: LinePayClientOptions,
  spec: CallSpec,
  outcome: Outcome<unknown>,
  status: number | undefined,
  ms: number,
): void {
  if (!options.log) return;
  try {
    options.log({
      event: "linepay.call",
      operation: spec.operation,
      method: spec.method,
      path: redactText(spec.path, spec.redact),
      status,
      returnCode: outcome.kind === "lost" ? undefined : outcome.returnCode,
      outcome: outcome.kind,
      ...(outcome.kind === "refused" ? { category: outcome.category } : {}),
      ...(outcome.kind === "lost" ? { reason: outcome.reason } : {}),
      ms,
    });
  } catch {
    // A failing log sink must not turn a LINE Pay answer into an exception.
  }
}
