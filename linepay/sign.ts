/**
 * LINE Pay request authentication (LINEPAY.md "Authentication").
 * v3/v4 and Partner Deposit: Base64(HMAC-SHA256(key = channel secret, message = secret + path
 * + X + nonce)), X being the exact body string sent (POST) or the query string without "?"
 * (GET), "" when there is none. v2: the channel secret itself in a header, as v2 asks.
 */

/**
 * One imported HMAC key per secret per isolate: importKey is the costly part of signing and a
 * client may be built per request. Holds the promise so concurrent first calls share one import.
 */
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    // A failed import must not stick for the life of the isolate.
    key.catch(() => keys.delete(secret));
    keys.set(secret, key);
  }
  return key;
}

function base64(bytes: ArrayBuffer): string {
  let bin = "";
  for (const b of new Uint8Array(bytes)) bin += String.fromCharCode(b);
  return btoa(bin);
}

export interface SignInput {
  channelSecret: string;
  /** the request path, without scheme, host or query: `/v3/payments/request` */
  path: string;
  /** POST: the exact body string sent */
  body?: string;
  /** GET: the query string as sent, without "?" */
  query?: string;
  nonce: string;
}

/** The `X-LINE-Authorization` value. Give `body` or `query` (neither signs ""). */
export async function signV3({ channelSecret, path, body, query, nonce }: SignInput): Promise<string> {
  const message = new TextEncoder().encode(channelSecret + path + (body ?? query ?? "") + nonce);
  return base64(await crypto.subtle.sign("HMAC", await hmacKey(channelSecret), message));
}

export interface DeviceHeaders {
  deviceProfileId?: string;
  deviceType?: string;
}

export interface V3HeaderInput extends DeviceHeaders {
  channelId: string;
  channelSecret: string;
  path: string;
  body?: string;
  query?: string;
  /** defaults to a fresh UUID v4; injectable for tests */
  nonce?: string;
}

export async function v3Headers(input: V3HeaderInput): Promise<Record<string, string>> {
  const nonce = input.nonce ?? crypto.randomUUID();
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-LINE-ChannelId": input.channelId,
    "X-LINE-Authorization-Nonce": nonce,
    "X-LINE-Authorization": await signV3({
      channelSecret: input.channelSecret,
      path: input.path,
      body: input.body,
      query: input.query,
      nonce,
    }),
  };
  if (input.deviceProfileId) headers["X-LINE-MerchantDeviceProfileId"] = input.deviceProfileId;
  if (input.deviceType) headers["X-LINE-MerchantDeviceType"] = input.deviceType;
  return headers;
}

export interface V2HeaderInput extends DeviceHeaders {
  channelId: string;
  channelSecret: string;
}

export function v2Headers(input: V2HeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-LINE-ChannelId": input.channelId,
    "X-LINE-ChannelSecret": input.channelSecret,
  };
  if (input.deviceType) headers["X-LINE-MerchantDeviceType"] = input.deviceType;
  if (input.deviceProfileId) headers["X-LINE-MerchantDeviceProfileId"] = input.deviceProfileId;
  return headers;
}
