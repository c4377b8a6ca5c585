/**
 * The merchant registry (`/v1/merchants/{merchantId}`, scope `admin`). Each merchant's record
 * lives in its own object (`MERCHANTS.getByName(merchantId)`); the answers are its view, which
 * never holds a secret. After a change the directory entry of this isolate is dropped, so the
 * next lookup here sees it (other isolates within MERCHANT_CACHE_TTL_MS).
 *
 * PUT is the whole record: a non-secret field left out is removed (offlineVersion: v2); a secret
 * left out keeps the stored one, and `null` removes an optional secret. DELETE disables: the
 * record stays (its orders still need its channel) and a later PUT enables it again.
 */
import type { IRequest } from "itty-router";
import { ConfigError } from "../../model/config";
import type { MerchantObjectRpc } from "../../model/merchant";
import { GatewayError } from "../../model/problem";
import { forgetMerchant } from "../../durable-objects/merchant/directory";
import { json } from "../respond";
import { MerchantSchema, RegisteredMerchantIdSchema, merchantInput } from "../validation/merchant";
import { invalid, pathParam, readJson } from "../validation/request-input";
import { authorizeAdmin, type Handler } from "./handler";

const merchantIdOf = (request: IRequest) =>
  pathParam(RegisteredMerchantIdSchema, request.params.merchantId, "merchantId");

const merchantObject = (env: Env, merchantId: string): MerchantObjectRpc => env.MERCHANTS.getByName(merchantId);

const unknownMerchant = () => new GatewayError("not_found", "unknown merchant");

export const putMerchant: Handler = async (request, env) => {
  const config = await authorizeAdmin(request, env);
  const merchantId = merchantIdOf(request);
  const body = await readJson(request, MerchantSchema);
  if (!config.merchantKeys) throw new ConfigError("missing configuration: MERCHANT_KEYS (it seals merchants' secrets)");
  const result = await merchantObject(env, merchantId).upsert(merchantInput(merchantId, body));
  if ("refused" in result) throw invalid("the merchant is not valid", result.refused);
  forgetMerchant(merchantId);
  return json(result.view, result.created ? 201 : 200);
};

export const getMerchant: Handler = async (request, env) => {
  await authorizeAdmin(request, env);
  const view = await merchantObject(env, merchantIdOf(request)).view();
  if (!view) throw unknownMerchant();
  return json(view);
};

export const deleteMerchant: Handler = async (request, env) => {
  await authorizeAdmin(request, env);
  const merchantId = merchantIdOf(request);
  const view = await merchantObject(env, merchantId).disable();
  if (!view) throw unknownMerchant();
  forgetMerchant(merchantId);
  return json({ merchantId: view.merchantId, status: view.status });
};
