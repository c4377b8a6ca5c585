/**
 * Request authentication as LINE Pay checks it, written from LINE Pay's documentation and
 * independent of the gateway's signing code (a shared module would hide a shared mistake).
 * v3/v4 and Partner Deposit: Base64(HMAC-SHA256(secret, secret + path + X + nonce)), X the raw
 * body (POST) or the raw query without "?" (GET). v2: the secret in a header.
 */

export interface Channel {
  id: string;
  secret: string;
}

export async function expectedSignature(secret: string, path: string, payload: string, nonce: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(secret + path + payload + nonce));
  return btoa(String.fromCharCode(...new Uint8Array(mac)));
}

/** Constant-time: HMAC both sides under a throwaway key and compare the digests with verify. */
async function sameString(a: string, b: string): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    "raw",
    crypto.getRandomValues(new Uint8Array(32)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const macA = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(a));
  return crypto.subtle.verify("HMAC", key, macA, new TextEncoder().encode(b));
}

/** `null` when the request is authentic, else LINE Pay's returnCode for it. */
export async function checkV3(request: Request, raw: string, channel: Channel): Promise<string | null> {
  const url = new URL(request.url);
  if (request.headers.get("X-LINE-ChannelId") !== channel.id) return "1106";
  const nonce = request.headers.get("X-LINE-Authorization-Nonce");
  const signature = request.headers.get("X-LINE-Authorization");
  if (!nonce || !signature) return "1104";
  const payload = request.method === "GET" ? url.search.replace(/^\?/, "") : raw;
  const expected = await expectedSignature(channel.secret, url.pathname, payload, nonce);
  return (await sameString(expected, signature)) ? null : "1104";
}

export async function checkV2(request: Request, channel: Channel): Promise<string | null> {
  if (request.headers.get("X-LINE-ChannelId") !== channel.id) return "1106";
  return (await sameString(request.headers.get("X-LINE-ChannelSecret") ?? "", channel.secret)) ? null : "1104";
}
