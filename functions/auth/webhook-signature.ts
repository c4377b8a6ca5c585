/**
 * Standard Webhooks verification (https://www.standardwebhooks.com) for deposit triggers:
 * `webhook-id`, `webhook-timestamp` (Unix seconds, at most 5 minutes from now either way, so a
 * captured delivery cannot be replayed later) and `webhook-signature`, a space-separated list of
 * `v1,<base64 HMAC-SHA256>` over `${id}.${timestamp}.${raw body}`, keyed by the base64 part of a
 * `whsec_` secret. Other signature versions are ignored. Several secrets may be configured while
 * one is rotated out: any secret matching any signature passes.
 *
 * The MAC is computed over the body's raw bytes, before anything parses them, and compared by
 * `crypto.subtle.verify`, which is constant-time.
 */
import { AuthError } from "./auth-error";

export const WEBHOOK_TOLERANCE_S = 5 * 60;
/** A sender lists one signature per active secret; more than a handful is not a real sender. */
const MAX_SIGNATURES = 8;
const CHALLENGE = 'Webhook-Signature realm="linepay-gateway"';

const unauthorized = (detail: string) => new AuthError("unauthorized", detail, CHALLENGE);

// Imported once per isolate and secret; a secret that does not decode is skipped, never fatal.
const keys = new Map<string, Promise<CryptoKey | null>>();

function decodeBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function keyFor(secret: string): Promise<CryptoKey | null> {
  let key = keys.get(secret);
  if (!key) {
    const raw = decodeBase64(secret.replace(/^whsec_/, ""));
    key =
      raw === null || raw.length === 0
        ? Promise.resolve(null)
        : crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]).catch(() => null);
    keys.set(secret, key);
  }
  return key;
}

export interface VerifiedWebhook {
  id: string;
  timestamp: number;
}

/** Checks the three headers and the signature; 401 `unauthorized` on anything missing, stale or wrong. */
export async function verifyWebhook(
  headers: Headers,
  rawBody: Uint8Array,
  secrets: readonly string[],
  nowMs = Date.now(),
): Promise<VerifiedWebhook> {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signatures = headers.get("webhook-signature");
  if (!id || !timestamp || !signatures) {
    throw unauthorized("webhook-id, webhook-timestamp and webhook-signature are required");
  }
  if (id.length > 255 || !/^[\x21-\x7e]+$/.test(id)) throw unauthorized("webhook-id is not valid");
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_S) {
    throw unauthorized("webhook-timestamp is not within 5 minutes of now");
  }

  const candidates = signatures
    .split(" ")
    .filter((s) => s.startsWith("v1,"))
    .slice(0, MAX_SIGNATURES)
    .map((s) => decodeBase64(s.slice(3)))
    .filter((s): s is Uint8Array => s !== null && s.length === 32);
  if (candidates.length > 0) {
    const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
    const message = new Uint8Array(prefix.length + rawBody.length);
    message.set(prefix);
    message.set(rawBody, prefix.length);
    for (const secret of secrets) {
      const key = await keyFor(secret);
      if (!key) continue;
      for (const signature of candidates) {
        if (await crypto.subtle.verify("HMAC", key, signature, message)) return { id, timestamp: Number(timestamp) };
      }
    }
  }
  throw unauthorized("no webhook signature matches");
}
