/**
 * One object per registered merchant (`MERCHANTS.getByName(merchantId)`): the consistent home of
 * its record (merchant-record.ts). The edge validates every input before it gets here; this
 * object decides only what the stored record must tell (is this a first registration, did the
 * channel change, is a webhook URL left without its secret).
 *
 * The table is created by the first write, not in the constructor: a lookup of an id nobody
 * registered (a `merchant` claim, a webhook path) leaves nothing behind.
 *
 * Every method that writes runs one at a time (a SerialQueue): sealing awaits WebCrypto, and a
 * re-seal after a key rotation must never write an older record over a PUT that came in
 * meanwhile.
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig, type Keyring } from "../../model/config";
import {
  MERCHANT_KEYS_PROBLEM,
  type Merchant,
  type MerchantInput,
  type MerchantObjectRpc,
  type MerchantView,
  type UpsertResult,
} from "../../model/merchant";
import { SerialQueue } from "../serial-queue";
import {
  MERCHANT_SCHEMA,
  openRow,
  resealed,
  sealField,
  staleFields,
  toView,
  type MerchantRow,
} from "./merchant-record";

export class MerchantObject extends DurableObject<Env> implements MerchantObjectRpc {
  readonly #queue = new SerialQueue();

  upsert(input: MerchantInput): Promise<UpsertResult> {
    return this.#queue.run(async () => {
      const keyring = this.#keyring();
      const existing = this.#row();
      if (existing && existing.merchant_id !== input.merchantId) {
        throw new Error("this merchant object holds another merchantId");
      }
      const refused = refusals(input, existing);
      if (refused.length > 0) return { refused };

      const id = input.merchantId;
      const keep = <K extends "events_webhook_secret" | "deposit_webhook_secrets">(field: K, given: unknown) =>
        given === undefined
          ? Promise.resolve(existing?.[field] ?? null)
          : given === null
            ? Promise.resolve(null)
            : sealField(keyring, id, field, given);
      const now = new Date().toISOString();
      const row: MerchantRow = {
        merchant_id: id,
        channel_id: input.channelId,
        device_profile_id: input.deviceProfileId ?? null,
        offline_version: input.offlineVersion,
        events_webhook_url: input.eventsWebhookUrl ?? null,
        // A PUT is the whole record: it also re-enables a disabled merchant.
        status: "ACTIVE",
        created_at: existing?.created_at ?? now,
        updated_at: now,
        channel_secret:
          input.channelSecret === undefined
            ? existing!.channel_secret // refusals() made sure there is one
            : await sealField(keyring, id, "channel_secret", input.channelSecret),
        events_webhook_secret: await keep("events_webhook_secret", input.eventsWebhookSecret),
        deposit_webhook_secrets: await keep("deposit_webhook_secrets", input.depositWebhookSecrets),
      };
      // Secrets kept from the stored record may be under an older kid: a PUT leaves none behind.
      const stale = staleFields(keyring, row).length > 0;
      this.#write(stale ? { ...row, ...(await resealed(keyring, row, await openRow(keyring, row))) } : row);
      return { created: existing === undefined, view: toView(row) };
    });
  }

  async view(): Promise<MerchantView | null> {
    const row = this.#row();
    return row ? toView(row) : null;
  }

  disable(): Promise<MerchantView | null> {
    return this.#queue.run(async () => {
      const row = this.#row();
      if (!row) return null;
      if (row.status === "DISABLED") return toView(row);
      const disabled: MerchantRow = { ...row, status: "DISABLED", updated_at: new Date().toISOString() };
      this.#write(disabled);
      return toView(disabled);
    });
  }

  merchant(): Promise<Merchant | null> {
    return this.#queue.run(async () => {
      const row = this.#row();
      if (!row) return null;
      const keyring = this.#keyring();
      const merchant = await openRow(keyring, row);
      // Rotation without downtime: whatever an older kid sealed is sealed again under the active one.
      if (staleFields(keyring, row).length > 0) this.#write({ ...row, ...(await resealed(keyring, row, merchant)) });
      return merchant;
    });
  }

  #keyring(): Keyring {
    const keyring = readConfig(this.env).merchantKeys;
    if (!keyring) throw new Error(`${MERCHANT_KEYS_PROBLEM} is missing: merchants' secrets cannot be sealed or opened`);
    return keyring;
  }

  #row(): MerchantRow | undefined {
    const sql = this.ctx.storage.sql;
    if (sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'merchant'").toArray().length === 0) {
      return undefined;
    }
    return sql.exec<Record<string, SqlStorageValue>>("SELECT * FROM merchant WHERE id = 1").toArray()[0] as
      MerchantRow | undefined;
  }

  #write(row: MerchantRow): void {
    const sql = this.ctx.storage.sql;
    sql.exec(MERCHANT_SCHEMA);
    sql.exec(
      `INSERT OR REPLACE INTO merchant (id, merchant_id, channel_id, device_profile_id, offline_version,
        events_webhook_url, status, created_at, updated_at, channel_secret, events_webhook_secret,
        deposit_webhook_secrets) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.merchant_id,
      row.channel_id,
      row.device_profile_id,
      row.offline_version,
      row.events_webhook_url,
      row.status,
      row.created_at,
      row.updated_at,
      row.channel_secret,
      row.events_webhook_secret,
      row.deposit_webhook_secrets,
    );
  }
}

/** What only the stored record can refuse, as field problems for a 400. */
function refusals(input: MerchantInput, existing: MerchantRow | undefined): { path: string; message: string }[] {
  const refused: { path: string; message: string }[] = [];
  if (input.channelSecret === undefined) {
    if (!existing) refused.push({ path: "channelSecret", message: "required to register a merchant" });
    else if (existing.channel_id !== input.channelId) {
      refused.push({
        path: "channelSecret",
        message: "required when channelId changes: a secret belongs to its channel",
      });
    }
  }
  const eventsSecret =
    input.eventsWebhookSecret === undefined ? existing?.events_webhook_secret : input.eventsWebhookSecret;
  if (input.eventsWebhookUrl !== undefined && (eventsSecret === null || eventsSecret === undefined)) {
    refused.push({
      path: "eventsWebhookSecret",
      message: "required with eventsWebhookUrl: a merchant's events are signed with its own secret",
    });
  }
  return refused;
}
