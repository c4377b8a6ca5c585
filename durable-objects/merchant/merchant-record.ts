/**
 * The merchant object's one row (SQLite table `merchant`) and the sealing of its secrets. Each
 * secret is its own compact JWE under MERCHANT_KEYS, its protected header naming the kid, the
 * merchant (`mid`) and the field (`fld`): a ciphertext copied to another merchant's row, or to
 * another field of the same row, fails to open. No secret is ever written in clear.
 */
import type { Keyring } from "../../model/config";
import {
  MERCHANT_KEYS_PROBLEM,
  type Merchant,
  type MerchantStatus,
  type MerchantView,
  type OfflineVersion,
} from "../../model/merchant";
import { SealError, kidOf, openJwe, sealJwe } from "../sealed-jwe";

export const MERCHANT_SCHEMA = `CREATE TABLE IF NOT EXISTS merchant (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  merchant_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  device_profile_id TEXT,
  offline_version TEXT NOT NULL,
  events_webhook_url TEXT,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  channel_secret TEXT NOT NULL,
  events_webhook_secret TEXT,
  deposit_webhook_secrets TEXT
)`;

/** A row as stored: the three secret columns hold JWEs. */
export interface MerchantRow {
  merchant_id: string;
  channel_id: string;
  device_profile_id: string | null;
  offline_version: OfflineVersion;
  events_webhook_url: string | null;
  status: MerchantStatus;
  created_at: string;
  updated_at: string;
  channel_secret: string;
  events_webhook_secret: string | null;
  deposit_webhook_secrets: string | null;
}

const SEALED_FIELDS = ["channel_secret", "events_webhook_secret", "deposit_webhook_secrets"] as const;
export type SealedField = (typeof SEALED_FIELDS)[number];

/** The header name of each sealed column (what `fld` says). */
const FIELD_NAMES: Record<SealedField, string> = {
  channel_secret: "channelSecret",
  events_webhook_secret: "eventsWebhookSecret",
  deposit_webhook_secrets: "depositWebhookSecrets",
};

const binding = (merchantId: string, field: SealedField) => ({ mid: merchantId, fld: FIELD_NAMES[field] });

export function toView(row: MerchantRow): MerchantView {
  return {
    merchantId: row.merchant_id,
    channelId: row.channel_id,
    ...(row.device_profile_id !== null ? { deviceProfileId: row.device_profile_id } : {}),
    offlineVersion: row.offline_version,
    ...(row.events_webhook_url !== null ? { eventsWebhookUrl: row.events_webhook_url } : {}),
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function sealField(keyring: Keyring, merchantId: string, field: SealedField, value: unknown): Promise<string> {
  return sealJwe(keyring, binding(merchantId, field), value);
}

/** Opens one sealed column; a failure is a MERCHANT_KEYS problem (named, never shown). */
async function openField<T>(keyring: Keyring, row: MerchantRow, field: SealedField, jwe: string): Promise<T> {
  try {
    return await openJwe<T>(keyring, binding(row.merchant_id, field), jwe);
  } catch (error) {
    if (error instanceof SealError && error.reason === "unknown_kid") {
      throw new Error(
        `${MERCHANT_KEYS_PROBLEM} has no key "${error.kid ?? "?"}", under which merchant "${row.merchant_id}"'s ${FIELD_NAMES[field]} is sealed; add it back`,
      );
    }
    throw new Error(
      `${MERCHANT_KEYS_PROBLEM}: merchant "${row.merchant_id}"'s ${FIELD_NAMES[field]} does not open (tampered, or sealed for another merchant or field)`,
    );
  }
}

/** The merchant with its secrets opened. */
export async function openRow(keyring: Keyring, row: MerchantRow): Promise<Merchant> {
  const channelSecret = await openField<string>(keyring, row, "channel_secret", row.channel_secret);
  const eventsWebhookSecret =
    row.events_webhook_secret === null
      ? undefined
      : await openField<string>(keyring, row, "events_webhook_secret", row.events_webhook_secret);
  const depositWebhookSecrets =
    row.deposit_webhook_secrets === null
      ? []
      : await openField<string[]>(keyring, row, "deposit_webhook_secrets", row.deposit_webhook_secrets);
  return {
    merchantId: row.merchant_id,
    channel: { channelId: row.channel_id, channelSecret },
    ...(row.device_profile_id !== null ? { deviceProfileId: row.device_profile_id } : {}),
    offlineVersion: row.offline_version,
    ...(row.events_webhook_url !== null ? { eventsWebhookUrl: row.events_webhook_url } : {}),
    ...(eventsWebhookSecret !== undefined ? { eventsWebhookSecret } : {}),
    depositWebhookSecrets,
    status: row.status,
  };
}

/** The sealed columns sealed under another kid than the active one. */
export function staleFields(keyring: Keyring, row: MerchantRow): SealedField[] {
  return SEALED_FIELDS.filter((field) => {
    const jwe = row[field];
    return jwe !== null && kidOf(jwe) !== keyring.active;
  });
}

/** Re-seals `merchant`'s secrets under the active kid: the sealed columns of an updated row. */
export async function resealed(
  keyring: Keyring,
  row: MerchantRow,
  merchant: Merchant,
): Promise<Pick<MerchantRow, SealedField>> {
  const id = row.merchant_id;
  return {
    channel_secret: await sealField(keyring, id, "channel_secret", merchant.channel.channelSecret),
    events_webhook_secret:
      row.events_webhook_secret === null
        ? null
        : await sealField(keyring, id, "events_webhook_secret", merchant.eventsWebhookSecret),
    deposit_webhook_secrets:
      row.deposit_webhook_secrets === null
        ? null
        : await sealField(keyring, id, "deposit_webhook_secrets", merchant.depositWebhookSecrets),
  };
}
