/**
 * Preapproved payments on a regKey token. The token is never used as a name or key: its
 * SHA-256 (the token id) names the lane object and the vault entry. A malformed token is
 * answered like an unknown one (404), so the routes reveal nothing about token formats.
 */
import type { PreapprovedPayBody } from "../../model/commands";
import { GatewayError } from "../../model/problem";
import { isWellFormedToken, tokenId } from "../../model/regkey-token";
import { answerToResponse } from "../respond";
import { PreapprovedPaySchema } from "../validation/schemas";
import { readBody } from "../validation/read-body";
import { authorize, runOnOrder, type Handler } from "./context";

async function tokenIdFrom(raw: string | undefined): Promise<string> {
  let token = "";
  try {
    token = decodeURIComponent(raw ?? "");
  } catch {
    token = "";
  }
  if (!isWellFormedToken(token)) throw new GatewayError("not_found", "unknown regKey token");
  return tokenId(token);
}

export const preapprovedPay: Handler = async (request, env) => {
  await authorize(request, env, ["payments"]);
  const tid = await tokenIdFrom(request.params.regKeyToken);
  const body = (await readBody(request, PreapprovedPaySchema)) as PreapprovedPayBody;
  return runOnOrder(env, { scope: "order", id: body.orderId }, { op: "preapprovedPay", tokenId: tid, body });
};

export const regKeyStatus: Handler = async (request, env) => {
  await authorize(request, env, ["payments"]);
  const tid = await tokenIdFrom(request.params.regKeyToken);
  return answerToResponse(await env.REGKEY_LANES.getByName(tid).status(tid));
};

export const regKeyExpire: Handler = async (request, env) => {
  await authorize(request, env, ["payments"]);
  const tid = await tokenIdFrom(request.params.regKeyToken);
  return answerToResponse(await env.REGKEY_LANES.getByName(tid).expire(tid));
};
