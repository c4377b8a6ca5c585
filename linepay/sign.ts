/**
 * LINE Pay request authentication. v3/v4 and Partner Deposit: HMAC-SHA256 keyed by the channel
 * secret over `secret + path + X + nonce`, X being the exact body string sent (POST) or the
 * query string without "?" (GET). v2: the channel secret in a header, as LINE Pay's v2 asks.
 */

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
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
  path: string;
  /** the exact body string (POST) or query string without "?" (GET); "" when none */
  payload: string;
  nonce: string;
}

export async function signV3({ channelSecret, path, payload, nonce }: SignInput): Promise<string> {
  const message = new TextEncoder().encode(channelSecret + path + payload + nonce);
  return base64(await crypto.subtle.sign("HMAC", await hmacKey(channelSecret), message));
}

export interface DeviceHeaders {
  deviceProfileId?: string;
  deviceType?: string;
}

export async function v3Headers(
  channelId: string,
  channelSecret: string,
  path: string,
  payload: string,
  device: DeviceHeaders = {},
  nonce: string = crypto.randomUUID(),
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-LINE-ChannelId": channelId,
    "X-LINE-Authorization-Nonce": nonce,
    "X-LINE-Authorization": await signV3({ channelSecret, path, payload, nonce }),
  };
  if (device.deviceProfileId) headers["X-LINE-MerchantDeviceProfileId"] = device.deviceProfileId;
  if (device.deviceType) headers["X-LINE-MerchantDeviceType"] = device.deviceType;
  return headers;
}

export function v2Headers(
  channelId: string,
  channelSecret: string,
  device: DeviceHeaders = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-LINE-ChannelId": channelId,
    "X-LINE-ChannelSecret": channelSecret,
  };
  if (device.deviceType) headers["X-LINE-MerchantDeviceType"] = device.deviceType;
  if (device.deviceProfileId) headers["X-LINE-MerchantDeviceProfileId"] = device.deviceProfileId;
  return headers;
}
