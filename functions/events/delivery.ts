/**
 * One delivery attempt: POST the event, signed, to its target. A 2xx within 10 s is delivered;
 * anything else (another status, a redirect, which is never followed, a timeout, a refused or
 * broken connection) has failed and is tried again later. The body sent is exactly the string
 * signed. Nothing here logs: the consumer writes one line per attempt, without the body, the
 * signature or the secret.
 */
import type { MerchantEvent } from "../../model/events";
import { signWebhook } from "./signing";
import type { DeliveryTarget } from "./target";

export const DELIVERY_TIMEOUT_MS = 10_000;

export interface AttemptResult {
  delivered: boolean;
  /** the receiver's status, when it answered */
  status?: number;
  /** why it failed, without secrets: "timeout", "network error", "redirect not followed" */
  detail?: string;
  ms: number;
}

export async function deliverEvent(target: DeliveryTarget, event: MerchantEvent): Promise<AttemptResult> {
  const started = Date.now();
  const body = JSON.stringify(event);
  const headers = {
    "content-type": "application/json",
    ...(await signWebhook(target.secret, event.id, body, started)),
  };
  const signal = AbortSignal.timeout(DELIVERY_TIMEOUT_MS);
  try {
    const res = await fetch(target.url, { method: "POST", headers, body, redirect: "manual", signal });
    // The answer's body means nothing to us: let the connection go.
    await res.body?.cancel().catch(() => undefined);
    const ms = Date.now() - started;
    if (res.status >= 200 && res.status < 300) return { delivered: true, status: res.status, ms };
    const detail = res.status >= 300 && res.status < 400 ? "redirect not followed" : undefined;
    return { delivered: false, status: res.status, detail, ms };
  } catch {
    // The error's message may name the URL; say only what kind of failure it was.
    const detail = signal.aborted ? `timeout: no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : "network error";
    return { delivered: false, detail, ms: Date.now() - started };
  }
}
