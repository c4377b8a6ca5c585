/**
 * Standard Webhooks verification for deposit triggers: `webhook-id`, `webhook-timestamp`
 * (Unix seconds, at most 5 minutes either way) and `webhook-signature` (space-separated
 * `v1,<base64>` entries), HMAC-SHA256 over `id.timestamp.body` with the base64 part of a
 * `whsec_` secret. Several secrets may be configured while one is being rotated out.
 * Comparison is `crypto.subtle.verify`, which is constant-time.
 */
import { GatewayError } from "../../model/problem";

const TOLERANCE_S = 5 * 60;
const keys = new Map<string, Promise<CryptoKey | undefined>>();

function keyFor(secret: string): Promise<CryptoKey | undefined> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      try {
        const raw = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
        return await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
      } catch {
        return undefined;
      }
    })();
    keys.set(secret, key);
  }
  return key;
}

function decodeBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

export interface VerifiedWebhook {
  id: string;
  timestamp: number;
}

export async function verifyWebhook(
  headers: Headers,
  rawBody: string,
  secrets: string[],
  nowMs = Date.now(),
): Promise<VerifiedWebhook> {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signatures = headers.get("webhook-signature");
  if (!id || !timestamp || !signatures)
    throw new GatewayError("unauthorized", "webhook-id, webhook-timestamp and webhook-signature are required");
  if (id.length > 255) throw new GatewayError("unauthorized", "webhook-id is too long");
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_S) {
    throw new GatewayError("unauthorized", "webhook-timestamp is missing, stale or in the future");
  }
  const message = new TextEncoder().encode(`${id}.${timestamp}.${rawBody}`);
  const candidates = signatures
    .split(" ")
    .filter((s) => s.startsWith("v1,"))
    .map((s) => decodeBase64(s.slice(3)))
    .filter((s): s is Uint8Array => s !== undefined);
  for (const secret of secrets) {
    const key = await keyFor(secret);
    if (!key) continue;
    for (const signature of candidates) {
      if (await crypto.subtle.verify("HMAC", key, signature as BufferSource, message))
        return { id, timestamp: Number(timestamp) };
    }
  }
  throw new GatewayError("unauthorized", "no webhook signature matches");
}
