/**
 * Merchants: one LINE Pay channel each (CONTRACT.md v2 "Merchants"). A caller's JWT names its
 * merchant in the `merchant` claim; a token without it acts for the default merchant, the one
 * configured by LINEPAY_CHANNEL_ID / LINEPAY_CHANNEL_SECRET, so a single-merchant deployment is
 * unchanged. Registered merchants live in their own Durable Object
 * (durable-objects/merchant/merchant-object.ts) and are read through the directory
 * (durable-objects/merchant/directory.ts).
 *
 * Two shapes: `MerchantView` is what the admin routes answer (never a secret); `Merchant` is what
 * the gateway works with (secrets opened) and never leaves it.
 */
import type { Config } from "./config";

/** CONTRACT.md: 1-64 characters of [A-Za-z0-9_-]. No `:`, so `m:<merchantId>:` is unambiguous. */
export const MERCHANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The default merchant's id. It is reserved: no merchant may be registered under it (in any
 * case, to spare people a `Default` beside `default`). A `merchant` claim naming it acts for
 * the default merchant exactly as a token without the claim does.
 */
export const DEFAULT_MERCHANT_ID = "default";

export const isReservedMerchantId = (id: string): boolean => id.toLowerCase() === DEFAULT_MERCHANT_ID;

export const OFFLINE_VERSIONS = ["v2", "v4"] as const;
export type OfflineVersion = (typeof OFFLINE_VERSIONS)[number];

export type MerchantStatus = "ACTIVE" | "DISABLED";

/** What `PUT/GET /v1/merchants/{merchantId}` answer: never a secret. Times are ISO 8601. */
export interface MerchantView {
  merchantId: string;
  channelId: string;
  deviceProfileId?: string;
  offlineVersion: OfflineVersion;
  eventsWebhookUrl?: string;
  status: MerchantStatus;
  createdAt: string;
  updatedAt: string;
}

export interface MerchantChannel {
  channelId: string;
  /** the v3/v4 HMAC key, and v2's X-LINE-ChannelSecret header */
  channelSecret: string;
}

/** A merchant as the gateway uses it: its channel and webhook secrets opened. Never answered or logged. */
export interface Merchant {
  merchantId: string;
  channel: MerchantChannel;
  /** X-LINE-MerchantDeviceProfileId for its POS calls; a request's deviceProfileId overrides it */
  deviceProfileId?: string;
  offlineVersion: OfflineVersion;
  /** where its events go; unset: the global EVENTS_WEBHOOK_URL */
  eventsWebhookUrl?: string;
  eventsWebhookSecret?: string;
  /** Standard Webhooks secrets (`whsec_…`) for POST /v1/webhooks/deposits/{merchantId}; several while rotating */
  depositWebhookSecrets: string[];
  status: MerchantStatus;
}

/** The events settings a deployment may set (CONTRACT.md v2 "Events"); both optional here. */
interface EventsVars {
  EVENTS_WEBHOOK_URL?: string;
  EVENTS_WEBHOOK_SECRET?: string;
}

const blank = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value.trim());

const defaults = new WeakMap<Config, Merchant>();

/**
 * The default merchant, from the configuration (one object per Config, so per isolate). Its
 * events settings are the global EVENTS_WEBHOOK_URL / EVENTS_WEBHOOK_SECRET when set.
 */
export function defaultMerchant(config: Config, env: object = {}): Merchant {
  let merchant = defaults.get(config);
  if (!merchant) {
    const events = env as EventsVars;
    const { channelId, channelSecret, deviceProfileId, offlineVersion } = config.linePay;
    const eventsWebhookUrl = blank(events.EVENTS_WEBHOOK_URL);
    const eventsWebhookSecret = blank(events.EVENTS_WEBHOOK_SECRET);
    merchant = {
      merchantId: DEFAULT_MERCHANT_ID,
      channel: { channelId, channelSecret },
      ...(deviceProfileId ? { deviceProfileId } : {}),
      offlineVersion: offlineVersion ?? "v2",
      ...(eventsWebhookUrl ? { eventsWebhookUrl } : {}),
      ...(eventsWebhookSecret ? { eventsWebhookSecret } : {}),
      depositWebhookSecrets: config.depositWebhookSecrets,
      status: "ACTIVE",
    };
    defaults.set(config, merchant);
  }
  return merchant;
}

export const isDefaultMerchant = (merchant: Pick<Merchant, "merchantId">): boolean =>
  merchant.merchantId === DEFAULT_MERCHANT_ID;

/**
 * What every object name, lane name and vault key of a merchant starts with: "" for the default
 * merchant (existing deployments keep their names and KV keys), `m:<merchantId>:` otherwise.
 * It cannot collide with a default-merchant name: those start with `order:`, `deposit:`,
 * `regkey:` or are base64url token ids, none of which starts with `m:`.
 */
export function objectPrefix(merchantId: string | undefined): string {
  return merchantId === undefined || merchantId === DEFAULT_MERCHANT_ID ? "" : `m:${merchantId}:`;
}

const PREFIXED = /^m:([A-Za-z0-9_-]{1,64}):/;

/** The merchant a prefixed name belongs to (objectPrefix's inverse): the default merchant's when unprefixed. */
export function merchantIdOfName(name: string): string {
  return PREFIXED.exec(name)?.[1] ?? DEFAULT_MERCHANT_ID;
}

/** How a ref or record names its merchant: absent for the default merchant, so its names stay as they were. */
export function ownMerchantId(merchant: Pick<Merchant, "merchantId">): { merchantId?: string } {
  return isDefaultMerchant(merchant) ? {} : { merchantId: merchant.merchantId };
}

/**
 * What the admin route hands the merchant object (`upsert`), validated at the edge. PUT is the
 * whole record: a non-secret field left out is removed (offlineVersion falls back to v2). A
 * secret left out keeps the stored one, so an operator can change a URL without sending the
 * channel secret again; `null` removes an optional secret.
 */
export interface MerchantInput {
  merchantId: string;
  channelId: string;
  channelSecret?: string;
  deviceProfileId?: string;
  offlineVersion: OfflineVersion;
  eventsWebhookUrl?: string;
  eventsWebhookSecret?: string | null;
  depositWebhookSecrets?: string[] | null;
}

/** `refused`: what only the stored record can tell (a first PUT without channelSecret, ...), as field problems. */
export type UpsertResult = { created: boolean; view: MerchantView } | { refused: { path: string; message: string }[] };

/** The merchant object (`MERCHANTS.getByName(merchantId)`) as the edge and the directory see it. */
export interface MerchantObjectRpc {
  upsert(input: MerchantInput): Promise<UpsertResult>;
  view(): Promise<MerchantView | null>;
  /** Marks it DISABLED (idempotent); null when no merchant was ever registered here. */
  disable(): Promise<MerchantView | null>;
  /** The record with its secrets opened (re-sealed under the active kid when an older one sealed them). */
  merchant(): Promise<Merchant | null>;
}

/**
 * Every error the merchant object throws about its sealed secrets starts with this, so that the
 * edge can answer it as the configuration problem it is (500 naming MERCHANT_KEYS, no value).
 */
export const MERCHANT_KEYS_PROBLEM = "MERCHANT_KEYS";
