/**
 * What every route handler shares: the handler type, caller authentication (with the merchant
 * the caller acts for), and the one way to an order object (`ORDERS.getByName("<scope>:<id>")`,
 * model/rpc.ts). Handlers authenticate and validate first, so a refused request never reaches
 * an order object.
 */
import type { IRequest } from "itty-router";
import type { OrderCommand } from "../../model/commands";
import { readConfig, type Config } from "../../model/config";
import type { Merchant } from "../../model/merchant";
import { objectName, type OrderObjectRpc, type OrderRef } from "../../model/rpc";
import { requireScope, type Scope } from "../auth/caller-jwt";
import { callerMerchant, type MerchantRule } from "../auth/caller-merchant";
import { GatewayError } from "../../model/problem";
import { logEdge } from "../log";
import { answerToResponse } from "../respond";

export type Handler = (request: IRequest, env: Env, ctx: ExecutionContext) => Promise<Response>;

export interface Caller {
  config: Config;
  /** whom the caller acts for: its token's `merchant` claim, or the default merchant */
  merchant: Merchant;
}

/**
 * Checks the configuration, the caller's token for `scopes` (any one suffices: 401 / 403), and
 * the merchant its `merchant` claim names (403 when unknown, or disabled unless `rule` allows).
 */
export async function authorize(
  request: IRequest,
  env: Env,
  scopes: Exclude<Scope, "admin"> | readonly Exclude<Scope, "admin">[],
  rule: MerchantRule = {},
): Promise<Caller> {
  const config = readConfig(env);
  const claims = await requireScope(request, config, scopes);
  return { config, merchant: await callerMerchant(claims, config, env, rule) };
}

/** The admin routes: scope `admin`, and no merchant (an admin manages them all). */
export async function authorizeAdmin(request: IRequest, env: Env): Promise<Config> {
  const config = readConfig(env);
  await requireScope(request, config, "admin");
  return config;
}

/** Routes that continue a disabled merchant's existing orders (CONTRACT.md: reads, refunds, recovery). */
export const CONTINUES_EXISTING: MerchantRule = { allowDisabled: true };

function orderObject(env: Env, ref: OrderRef): OrderObjectRpc {
  return env.ORDERS.getByName(objectName(ref));
}

/**
 * A call that fails inside the object (it was reset, evicted or overloaded mid-request) may
 * already have reached LINE Pay: its outcome is unknown here but recorded there (write-ahead)
 * and recovered by the object. The caller gets the contract's `in_progress`, never a 500.
 */
export async function runOnOrder(env: Env, ref: OrderRef, command: OrderCommand): Promise<Response> {
  let answer;
  try {
    answer = await orderObject(env, ref).execute(ref, command);
  } catch (error) {
    logEdge({
      event: "order.call_failed",
      level: "error",
      code: command.op,
      error: error instanceof Error ? error.name : typeof error,
    });
    const ids = ref.scope === "deposit" ? { depositId: ref.id } : { orderId: ref.id };
    throw new GatewayError(
      "in_progress",
      "the order's object restarted while handling this request; its outcome is being recovered, ask again",
      {
        ...ids,
        retryAfter: 2,
      },
    );
  }
  return answerToResponse(answer);
}

export async function viewOrder(env: Env, ref: OrderRef): Promise<Response> {
  return answerToResponse(await orderObject(env, ref).view(ref));
}
