/**
 * What a confirm does beyond settling the order: for a PREAPPROVED reservation, the regKey is
 * sealed for the vault and the caller gets an opaque token instead. The order keeps only the
 * token id and the token sealed under the same keys, so that a replayed confirm can show the
 * same token without storing it in clear. The sealed regKey reaches its lane object (the
 * vault's only writer) through a `registerRegKey` follow-up, committed with the order: no
 * token is ever registered for a confirm the order did not record, and a registration that
 * fails is retried by alarm.
 */
import type { GatewayAnswer } from "../../model/answer";
import { newToken, tokenId } from "../../model/regkey-token";
import { laneName } from "../../model/rpc";
import type { ConfirmInfo } from "../../linepay/types";
import { logEvent } from "../log";
import { open, seal } from "../regkey/vault-crypto";
import type { NewEvent } from "../store/journal";
import type { OrderRecord } from "../store/order-store";
import type {
  FollowUp,
  FollowUpCommandOf,
  FollowUpOperation,
  OperationContext,
  Settled,
  StillUnknown,
} from "../operation";

const answerTid = (order: Pick<OrderRecord, "refId">) => `confirm-answer:${order.refId}`;

export async function regKeyFollowUp(
  order: OrderRecord,
  info: Pick<ConfirmInfo, "regKey">,
  ctx: OperationContext,
): Promise<{ order: OrderRecord; events: NewEvent[]; followUps: FollowUp[]; regKeyToken?: string }> {
  if (order.data.payType !== "PREAPPROVED") return { order, events: [], followUps: [] };
  const keyring = ctx.config.regKeyKeys;
  if (!info.regKey || !keyring) {
    const detail = info.regKey
      ? "REGKEY_KEYS is not configured: the regKey was not kept"
      : "LINE Pay's answer had no regKey (a lost confirm answer takes it along)";
    logEvent({ event: "regkey.not_stored", level: "alert" });
    return {
      order,
      events: [{ operation: "confirm", outcome: "regkey_not_stored", detail: `ALERT: ${detail}` }],
      followUps: [],
    };
  }
  const token = newToken();
  // The lane's name: the token id behind the merchant's prefix, so only its merchant reaches it.
  const tid = laneName(ctx.merchant, await tokenId(token));
  const jwe = await seal(keyring, tid, { regKey: info.regKey, orderId: order.refId, createdAt: ctx.now() });
  const sealedToken = await seal(keyring, answerTid(order), { token });
  return {
    order: { ...order, data: { ...order.data, regKeyTid: tid, regKeyTokenSealed: sealedToken } },
    events: [{ operation: "confirm", outcome: "regkey_sealed", detail: "regKey sealed; the caller holds a token" }],
    followUps: [{ command: { op: "registerRegKey", tid, jwe }, afterMs: 0 }],
    regKeyToken: token,
  };
}

/** Hands the sealed regKey to its lane object; idempotent, so retrying is always safe. */
export const registerRegKey: FollowUpOperation<FollowUpCommandOf<"registerRegKey">> = {
  op: "registerRegKey",
  timeout: "other",
  blocksOthers: false,
  marksUnknown: false,
  recovery: { intervalsMs: [2_000, 10_000, 60_000], windowMs: 20 * 60_000, slowIntervalMs: 15 * 60_000 },
  async recover(order, { tid, jwe }, ctx): Promise<Settled | StillUnknown> {
    try {
      await ctx.env.REGKEY_LANES.getByName(tid).register(tid, jwe);
    } catch (error) {
      logEvent({ event: "regkey.register_failed", level: "error", error: error instanceof Error ? error.name : "?" });
      return {
        kind: "unknown",
        events: [{ operation: "registerRegKey", outcome: "failed", detail: "the vault did not take the regKey yet" }],
      };
    }
    return {
      kind: "settled",
      order,
      answer: { status: 200, body: null },
      events: [{ operation: "registerRegKey", outcome: "regkey_stored", detail: "regKey in the vault" }],
    };
  },
};

/** The stored form of a confirm answer: the token is left out (it is kept sealed on the order). */
export function withoutToken(answer: GatewayAnswer): GatewayAnswer {
  const body = answer.body as Record<string, unknown> | null;
  if (!body || typeof body !== "object" || !("regKeyToken" in body)) return answer;
  const { regKeyToken: _token, ...rest } = body;
  return { ...answer, body: rest };
}

/** The token a PREAPPROVED order issued, unsealed from the order (undefined if none or unreadable). */
export async function regKeyTokenOf(
  order: OrderRecord,
  keyring: OperationContext["config"]["regKeyKeys"],
): Promise<string | undefined> {
  const sealed = order.data.regKeyTokenSealed;
  if (typeof sealed !== "string" || !keyring) return undefined;
  try {
    return (await open<{ token: string }>(keyring, answerTid(order), sealed)).token;
  } catch {
    return undefined;
  }
}

/** A replayed confirm answer shows the same token again, unsealed from the order. */
export async function withToken(
  answer: GatewayAnswer,
  order: OrderRecord | undefined,
  ctx: OperationContext,
): Promise<GatewayAnswer> {
  if (!order || answer.status !== 200) return answer;
  const token = await regKeyTokenOf(order, ctx.config.regKeyKeys);
  return token ? { ...answer, body: { ...(answer.body as object), regKeyToken: token } } : answer;
}
