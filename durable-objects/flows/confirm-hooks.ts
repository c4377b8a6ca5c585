/**
 * What a confirm does beyond settling the order: for a PREAPPROVED reservation, the regKey is
 * sealed into the vault (through its lane object, the vault's only writer) and the caller gets
 * an opaque token instead. The order keeps only the token id and the token sealed under the
 * same keys, so that a replayed confirm can show the same token without storing it in clear.
 */
import type { GatewayAnswer } from "../../model/answer";
import { newToken, tokenId } from "../../model/regkey-token";
import type { ConfirmInfo } from "../../linepay/types";
import { logEvent } from "../log";
import { open, seal } from "../regkey/vault-crypto";
import type { NewEvent, OrderRecord } from "../store/order-store";
import type { FlowContext } from "./operation";

const answerTid = (order: Pick<OrderRecord, "refId">) => `confirm-answer:${order.refId}`;

export async function afterConfirm(
  order: OrderRecord,
  info: Pick<ConfirmInfo, "regKey">,
  ctx: FlowContext,
): Promise<{ order: OrderRecord; events: NewEvent[]; regKeyToken?: string }> {
  if (order.data.payType !== "PREAPPROVED") return { order, events: [] };
  const keyring = ctx.config.regKeyKeys;
  if (!info.regKey || !keyring) {
    const detail = info.regKey
      ? "REGKEY_KEYS is not configured: the regKey was not kept"
      : "LINE Pay's answer had no regKey (a lost confirm answer takes it along)";
    logEvent({ event: "regkey.not_stored", level: "alert" });
    return { order, events: [{ operation: "confirm", outcome: "regkey_not_stored", detail: `ALERT: ${detail}` }] };
  }
  const token = newToken();
  const tid = await tokenId(token);
  const jwe = await seal(keyring, tid, { regKey: info.regKey, orderId: order.refId, createdAt: ctx.now() });
  await ctx.env.REGKEY_LANES.getByName(tid).register(tid, jwe);
  const sealedToken = await seal(keyring, answerTid(order), { token });
  return {
    order: { ...order, data: { ...order.data, regKeyTid: tid, regKeyTokenSealed: sealedToken } },
    events: [
      {
        operation: "confirm",
        outcome: "regkey_stored",
        detail: "regKey sealed in the vault; the caller holds a token",
      },
    ],
    regKeyToken: token,
  };
}

/** The stored form of a confirm answer: the token is left out (it is kept sealed on the order). */
export function withoutToken(answer: GatewayAnswer): GatewayAnswer {
  const body = answer.body as Record<string, unknown> | null;
  if (!body || typeof body !== "object" || !("regKeyToken" in body)) return answer;
  const { regKeyToken: _token, ...rest } = body;
  return { ...answer, body: rest };
}

/** A replayed confirm answer shows the same token again, unsealed from the order. */
export async function withToken(
  answer: GatewayAnswer,
  order: OrderRecord | undefined,
  ctx: FlowContext,
): Promise<GatewayAnswer> {
  const sealed = order?.data.regKeyTokenSealed;
  const keyring = ctx.config.regKeyKeys;
  if (typeof sealed !== "string" || !keyring || answer.status !== 200) return answer;
  try {
    const { token } = await open<{ token: string }>(keyring, answerTid(order!), sealed);
    return { ...answer, body: { ...(answer.body as object), regKeyToken: token } };
  } catch {
    return answer;
  }
}
