/**
 * Preapproved payments on a regKey token (`/v1/preapproved/{regKeyToken}`, scope `payments`).
 * The token itself never names anything: its SHA-256 (the token id, model/regkey-token.ts)
 * names the lane object and the vault entry, so object names and KV keys give nobody a usable
 * token. A malformed token is answered like an unknown one (404): no such token exists.
 */
import type { IRequest } from "itty-router";
import * as v from "valibot";
import { GatewayError } from "../../model/problem";
import { tokenId } from "../../model/regkey-token";
import type { RegKeyLaneRpc } from "../../model/rpc";
import { answerToResponse } from "../respond";
import { readJson } from "../validation/read-body";
import { PreapprovedPaySchema, RegKeyTokenSchema } from "../validation/schemas";
import { CONTINUES_EXISTING, authorize, runOnOrder, type Handler } from "./context";

async function tokenIdOf(request: IRequest): Promise<string> {
  let token: string;
  try {
    token = decodeURIComponent(request.params.regKeyToken ?? "");
  } catch {
    token = "";
  }
  if (!v.is(RegKeyTokenSchema, token)) throw new GatewayError("not_found", "unknown regKey token");
  return tokenId(token);
}

const lane = (env: Env, tid: string): RegKeyLaneRpc => env.REGKEY_LANES.getByName(tid);

export const preapprovedPay: Handler = async (request, env) => {
  await authorize(request, env, "payments");
  const tid = await tokenIdOf(request);
  const body = await readJson(request, PreapprovedPaySchema);
  return runOnOrder(env, { scope: "order", id: body.orderId }, { op: "preapprovedPay", tokenId: tid, body });
};

export const regKeyStatus: Handler = async (request, env) => {
  await authorize(request, env, "payments", CONTINUES_EXISTING);
  const tid = await tokenIdOf(request);
  return answerToResponse(await lane(env, tid).status(tid));
};

export const regKeyExpire: Handler = async (request, env) => {
  await authorize(request, env, "payments", CONTINUES_EXISTING);
  const tid = await tokenIdOf(request);
  return answerToResponse(await lane(env, tid).expire(tid));
};
