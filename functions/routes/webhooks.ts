/**
 * Deposit triggers by signed webhook (`POST /v1/webhooks/deposits`, Standard Webhooks). The
 * signature covers the raw bytes, so it is checked before anything parses them. A redelivery
 * carries the same `webhook-id`, which is the default depositId: the deposit object replays its
 * answer instead of sending a second deposit.
 */
import { ConfigError, readConfig } from "../../model/config";
import { verifyWebhook } from "../auth/webhook-signature";
import type { DepositBody } from "../../model/commands";
import { decodeUtf8, parseJsonObject, readBytes, requiredHeader, validate } from "../validation/read-body";
import { DepositIdSchema, DepositWebhookSchema } from "../validation/schemas";
import { runOnOrder, type Handler } from "./context";

export const depositWebhook: Handler = async (request, env) => {
  const config = readConfig(env);
  // Without a secret no delivery can be verified: say so to the operator instead of a silent 401.
  if (config.depositWebhookSecrets.length === 0) throw new ConfigError("missing configuration: DEPOSIT_WEBHOOK_SECRET");
  const raw = await readBytes(request);
  await verifyWebhook(request.headers, raw, config.depositWebhookSecrets);
  const envelope = validate(DepositWebhookSchema, parseJsonObject(decodeUtf8(raw)));
  const depositId = envelope.data.depositId ?? requiredHeader(request, DepositIdSchema, "webhook-id");
  const body: DepositBody = { ...envelope.data, depositId };
  return runOnOrder(env, { scope: "deposit", id: body.depositId }, { op: "deposit", body, source: "webhook" });
};
