/**
 * Standard Webhooks signing (https://www.standardwebhooks.com) of an event: `webhook-id` is the
 * event id (the same on every redelivery, so a receiver dedupes on it), `webhook-timestamp` the
 * Unix seconds of this attempt, `webhook-signature` `v1,` and the base64 HMAC-SHA256 of
 * `${id}.${timestamp}.${body}` under the base64-decoded part of the `whsec_` secret. The body
 * signed is the body sent: the caller passes the very string it posts.
 */
import { webhookKeyBytes } from "../../model/config";

// Imported once per isolate and secret (today one secret; per-merchant secrets come later).
const keys = new Map<string, Promise<CryptoKey>>();

function signingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    // model/config.ts refused a secret that does not decode; should one get here, importKey
    // throws and the consumer keeps the event for a later attempt.
    const raw = webhookKeyBytes(secret) as Uint8Array;
    key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    // A failed import is not kept: the next attempt tries again.
    key.catch(() => keys.delete(secret));
    keys.set(secret, key);
  }
  return key;
}

function toBase64(bytes: ArrayBuffer): string {
  let binary = "";
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary);
}

export interface WebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The three Standard Webhooks headers for `body`, signed at `nowMs`. */
export async function signWebhook(secret: string, id: string, body: string, nowMs: number): Promise<WebhookHeaders> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const mac = await crypto.subtle.sign(
    "HMAC",
    await signingKey(secret),
    new TextEncoder().encode(`${id}.${timestamp}.${body}`),
  );
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${toBase64(mac)}` };
}
