/** Partner deposits by API, and deposit triggers by signed webhook (Standard Webhooks). */
import type { DepositBody } from "../../model/commands";
import { readConfig } from "../../model/config";
import { verifyWebhook } from "../auth/webhook-signature";
import { DepositSchema, DepositWebhookSchema, OrderIdSchema } from "../validation/schemas";
import { parseJson, pathParam, readBody, readText, validate } from "../validation/read-body";
import { authorize, runOnOrder, viewOrder, type Handler } from "./context";

export const createDeposit: Handler = async (request, env) => {
  await authorize(request, env, ["deposits"]);
  const body = (await readBody(request, DepositSchema)) as DepositBody;
  return runOnOrder(env, { scope: "deposit", id: body.depositId }, { op: "deposit", body, source: "api" });
};

export const getDeposit: Handler = async (request, env) => {
  await authorize(request, env, ["deposits"]);
  return viewOrder(env, { scope: "deposit", id: pathParam(request.params.depositId, OrderIdSchema, "depositId") });
};

/** The signature covers the raw bytes, so it is checked before anything parses them. */
export const depositWebhook: Handler = async (request, env) => {
  const config = readConfig(env);
  const raw = await readText(request);
  const { id } = await verifyWebhook(request.headers, raw, config.depositWebhookSecrets);
  const envelope = validate(DepositWebhookSchema, parseJson(raw));
  const body = validate(DepositSchema, { ...envelope.data, depositId: envelope.data.depositId ?? id }) as DepositBody;
  return runOnOrder(env, { scope: "deposit", id: body.depositId }, { op: "deposit", body, source: "webhook" });
};
