/**
 * Preapproved payments on a regKey token (`/v1/preapproved/{regKeyToken}`, scope `payments`).
 * The token itself never names anything: its SHA-256 (the token id, model/regkey-token.ts)
 * behind the caller's merchant prefix names the lane object and the vault entry, so object
 * names and KV keys give nobody a usable token, and another merchant's token leads to a lane
 * that holds nothing. A malformed token is answered like an unknown one (404): no such token exists.
 */
import type { IRequest } from "itty-router";
import * as v from "valibot";
import { GatewayError } from "../../model/problem";
import { tokenId } from "../../model/regkey-token";
import type { Merchant } from "../../model/merchant";
import { laneName, refOf, type RegKeyLaneRpc } from "../../model/rpc";
import { answerToResponse } from "../respond";
import { readJson } from "../validation/request-input";
import { PreapprovedPaySchema, RegKeyTokenSchema } from "../validation/schemas";
import { CONTINUES_EXISTING, authorize, runOnOrder, type Handler } from "./handler";

/** The lane of the path's token for the caller's merchant. */
async function laneOf(request: IRequest, merchant: Merchant): Promise<string> {
  let token: string;
  try {
    token = decodeURIComponent(request.params.regKeyToken ?? "");
  } catch {
    token = "";
  }
  if (!v.is(RegKeyTokenSchema, token)) throw new GatewayError("not_found", "unknown regKey token");
  return laneName(merchant, await tokenId(token));
}

const lane = (env: Env, name: string): RegKeyLaneRpc => env.REGKEY_LANES.getByName(name);

export const preapprovedPay: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, "payments");
  const tid = await laneOf(request, merchant);
  const body = await readJson(request, PreapprovedPaySchema);
  return runOnOrder(env, refOf(merchant, "order", body.orderId), { op: "preapprovedPay", tokenId: tid, body });
};

export const regKeyStatus: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, "payments", CONTINUES_EXISTING);
  const name = await laneOf(request, merchant);
  return answerToResponse(await lane(env, name).status(name));
};

export const regKeyExpire: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, "payments", CONTINUES_EXISTING);
  const name = await laneOf(request, merchant);
  return answerToResponse(await lane(env, name).expire(name));
};
