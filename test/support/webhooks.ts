/** Standard Webhooks signing, written here from the spec so tests do not reuse the gateway's code. */
import { env, exports } from "cloudflare:workers";

export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const raw = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}

export interface Delivery {
  id?: string;
  timestamp?: number;
  body: string;
  signature?: string;
  secret?: string;
  omit?: ("webhook-id" | "webhook-timestamp" | "webhook-signature")[];
  /** another webhook route, e.g. a merchant's `/v1/webhooks/deposits/{merchantId}` */
  path?: string;
}

export async function deliver(d: Delivery) {
  const id = d.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = d.timestamp ?? Math.floor(Date.now() / 1000);
  const signature =
    d.signature ?? (await signWebhook(d.secret ?? env.DEPOSIT_WEBHOOK_SECRET.split(" ")[0]!, id, timestamp, d.body));
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature,
  };
  for (const h of d.omit ?? []) delete headers[h];
  const res = await exports.default.fetch(
    new Request(`http://gateway.test${d.path ?? "/v1/webhooks/deposits"}`, { method: "POST", headers, body: d.body }),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined, id };
}
