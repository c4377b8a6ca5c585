/**
 * The admin routes' schemas (`/v1/merchants/{merchantId}`, CONTRACT.md v2 "Merchants"). The body
 * is strict, like every body the contract defines. Messages never repeat what was sent: these
 * fields are secrets.
 */
import * as v from "valibot";
import { MERCHANT_ID_PATTERN, OFFLINE_VERSIONS, isReservedMerchantId, type MerchantInput } from "../../model/merchant";
import { isDeliverableWebhookUrl } from "../../model/webhook-url";
import { printable } from "./fields";

export const MerchantIdSchema = v.pipe(
  v.string(),
  v.regex(MERCHANT_ID_PATTERN, "must be 1-64 characters of A-Z, a-z, 0-9, _ and -"),
);

/** What the admin routes take: `default` names the configured default merchant, which is not registered. */
export const RegisteredMerchantIdSchema = v.pipe(
  MerchantIdSchema,
  v.check((id) => !isReservedMerchantId(id), '"default" is reserved for the merchant the configuration defines'),
);

/**
 * Standard Webhooks: "whsec_" and the base64 of 16 to 64 random bytes (the floor the global
 * EVENTS_WEBHOOK_SECRET check uses too; 16 bytes are a 128-bit HMAC key).
 */
const WHSEC = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const isWhsec = (s: string) => {
  if (!WHSEC.test(s)) return false;
  const bytes = atob(s.slice(6)).length;
  return bytes >= 16 && bytes <= 64;
};
const WHSEC_MESSAGE = "must be whsec_ and the base64 of 16 to 64 random bytes";

export const WebhookSecretSchema = v.pipe(v.string(), v.maxLength(100, WHSEC_MESSAGE), v.check(isWhsec, WHSEC_MESSAGE));

/** One secret, or several space-separated while one is rotated out (at most 4). */
export const WebhookSecretListSchema = v.pipe(
  v.string(),
  v.maxLength(400, "at most 4 secrets"),
  v.transform((s) => s.trim().split(/ +/)),
  v.maxLength(4, "at most 4 secrets"),
  v.check((list) => list.every(isWhsec), `each ${WHSEC_MESSAGE}`),
);

export const MerchantSchema = v.strictObject({
  /** LINE Pay's channel ids are 10 digits (the merchant center's "Channel ID"). */
  channelId: v.pipe(v.string(), v.regex(/^\d{10}$/, "must be a LINE Pay channel id: 10 digits")),
  /** Required on the first PUT; left out later, the stored one is kept. */
  channelSecret: v.optional(
    v.pipe(v.string(), v.regex(/^[\x21-\x7e]{16,128}$/, "must be 16 to 128 visible ASCII characters")),
  ),
  deviceProfileId: v.optional(printable(100)),
  offlineVersion: v.optional(v.picklist(OFFLINE_VERSIONS, "must be v2 or v4"), "v2"),
  eventsWebhookUrl: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(2048, "at most 2048 characters"),
      v.check(
        isDeliverableWebhookUrl,
        "must be an https URL without credentials (http only to a loopback or .test host)",
      ),
    ),
  ),
  /** null removes it; left out, the stored one is kept. */
  eventsWebhookSecret: v.optional(v.nullable(WebhookSecretSchema)),
  depositWebhookSecret: v.optional(v.nullable(WebhookSecretListSchema)),
});

export type MerchantBody = v.InferOutput<typeof MerchantSchema>;

export function merchantInput(merchantId: string, body: MerchantBody): MerchantInput {
  const { depositWebhookSecret, ...rest } = body;
  return {
    merchantId,
    ...rest,
    ...(depositWebhookSecret === undefined ? {} : { depositWebhookSecrets: depositWebhookSecret }),
  };
}
