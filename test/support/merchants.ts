/**
 * Merchants in tests: fresh channel ids and secrets (generated here, never committed), the
 * channel registered at the sandbox too, the admin routes, and every table of a merchant
 * object's storage as text for the secret scans.
 */
import { env } from "cloudflare:workers";
import { dumpStorage } from "./flows";
import { call, token, uniqueId, type Called } from "./gateway";
import { sandbox } from "./sandbox";

const randomBase64 = (bytes: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));

export const newChannelId = () => String(3_000_000_000 + Math.floor(Math.random() * 1_000_000_000));
export const newChannelSecret = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
export const newWhsec = () => `whsec_${randomBase64(32)}`;

export const admin = (method: string, merchantId: string, body?: unknown, scope = "admin"): Promise<Called> =>
  call(method, `/v1/merchants/${merchantId}`, { scope, ...(body === undefined ? {} : { body }) });

export interface Registered {
  merchantId: string;
  channelId: string;
  channelSecret: string;
  eventsWebhookSecret: string;
  depositWebhookSecret: string;
  put: Called;
}

/** Where a test merchant's events go: the test receiver, under a path of its own. */
export const eventsUrlOf = (merchantId: string) => `http://receiver.test/shops/${merchantId}/events`;

/** A merchant with every secret set, its channel known to the sandbox. */
export async function registerMerchant(extra: Record<string, unknown> = {}): Promise<Registered> {
  const merchantId = uniqueId("shop");
  const channelId = newChannelId();
  const channelSecret = newChannelSecret();
  const eventsWebhookSecret = newWhsec();
  const depositWebhookSecret = newWhsec();
  await sandbox.channel(channelId, channelSecret);
  const put = await admin("PUT", merchantId, {
    channelId,
    channelSecret,
    eventsWebhookUrl: eventsUrlOf(merchantId),
    eventsWebhookSecret,
    depositWebhookSecret,
    ...extra,
  });
  if (put.status !== 201) throw new Error(`PUT /v1/merchants/${merchantId}: ${put.status} ${put.text}`);
  return { merchantId, channelId, channelSecret, eventsWebhookSecret, depositWebhookSecret, put };
}

/** A caller token acting for `merchantId`. */
export const merchantToken = (merchantId: string, scope = "payments pos deposits") =>
  token(scope, { merchant: merchantId });

/** Every row of every table of the merchant object (none when nothing was ever stored). */
export const dumpMerchant = (merchantId: string): Promise<string> => dumpStorage(env.MERCHANTS.getByName(merchantId));
