/**
 * Deposit triggers by signed webhook (Standard Webhooks): `POST /v1/webhooks/deposits` under
 * DEPOSIT_WEBHOOK_SECRET, and `POST /v1/webhooks/deposits/{merchantId}` under that merchant's
 * depositWebhookSecret. The signature covers the raw bytes, so it is checked before anything
 * parses them. A redelivery carries the same `webhook-id`, which is the default depositId: the
 * deposit object replays its answer instead of sending a second deposit.
 *
 * On the merchant route an id nobody registered (or one that cannot be a merchantId, or a
 * merchant without a deposit secret) is verified against no secret at all, so it answers exactly
 * as a bad signature does (401, same body): the path cannot be used to find out which merchants
 * exist. Only a correctly signed delivery learns that its merchant is disabled (403).
 */
import type { IRequest } from "itty-router";
import { ConfigError, readConfig } from "../../model/config";
import { defaultMerchant, type Merchant } from "../../model/merchant";
import { refOf } from "../../model/rpc";
import { GatewayError } from "../../model/problem";
import { merchantFor } from "../../durable-objects/merchant/directory";
import { verifyWebhook } from "../auth/webhook-signature";
import type { DepositBody } from "../../model/commands";
import { decodeUtf8, parseJsonObject, readBytes, requiredHeader, validate } from "../validation/request-input";
import { DepositIdSchema, DepositWebhookSchema } from "../validation/schemas";
import { runOnOrder, type Handler } from "./handler";

export const depositWebhook: Handler = async (request, env) => {
  const config = readConfig(env);
  // Without a secret no delivery can be verified: say so to the operator instead of a silent 401.
  if (config.depositWebhookSecrets.length === 0) throw new ConfigError("missing configuration: DEPOSIT_WEBHOOK_SECRET");
  const raw = await readBytes(request);
  await verifyWebhook(request.headers, raw, config.depositWebhookSecrets);
  return deposit(request, env, raw, defaultMerchant(config, env));
};

export const merchantDepositWebhook: Handler = async (request, env) => {
  readConfig(env);
  const raw = await readBytes(request);
  const merchant = await merchantOf(env, request);
  await verifyWebhook(request.headers, raw, merchant?.depositWebhookSecrets ?? []);
  if (merchant!.status === "DISABLED") {
    throw new GatewayError("forbidden", "this merchant is disabled: it takes no new deposits");
  }
  return deposit(request, env, raw, merchant!);
};

async function merchantOf(env: Env, request: IRequest): Promise<Merchant | undefined> {
  let merchantId: string;
  try {
    merchantId = decodeURIComponent(request.params.merchantId ?? "");
  } catch {
    return undefined;
  }
  return merchantFor(env, merchantId);
}

/** The verified delivery as a deposit of `merchant`'s, with its channel. */
function deposit(request: IRequest, env: Env, raw: Uint8Array, merchant: Merchant): Promise<Response> {
  const envelope = validate(DepositWebhookSchema, parseJsonObject(decodeUtf8(raw)));
  const depositId = envelope.data.depositId ?? requiredHeader(request, DepositIdSchema, "webhook-id");
  const body: DepositBody = { ...envelope.data, depositId };
  return runOnOrder(env, refOf(merchant, "deposit", body.depositId), { op: "deposit", body, source: "webhook" });
}
