/**
 * What every route handler shares: the handler type, caller authentication, and the one way
 * to an order object (`ORDERS.getByName("<scope>:<id>")`, model/rpc.ts). Handlers authenticate
 * and validate first, so a refused request never reaches a Durable Object.
 */
import type { IRequest } from "itty-router";
import type { OrderCommand } from "../../model/commands";
import { readConfig, type Config } from "../../model/config";
import { objectName, type OrderObjectRpc, type OrderRef } from "../../model/rpc";
import { requireScope, type Scope } from "../auth/caller-jwt";
import { answerToResponse } from "../respond";

export type Handler = (request: IRequest, env: Env, ctx: ExecutionContext) => Promise<Response>;

/** Checks the configuration and the caller's token for `scopes` (any one suffices). */
export async function authorize(request: IRequest, env: Env, scopes: Scope | readonly Scope[]): Promise<Config> {
  const config = readConfig(env);
  await requireScope(request, config, scopes);
  return config;
}

function orderObject(env: Env, ref: OrderRef): OrderObjectRpc {
  return env.ORDERS.getByName(objectName(ref));
}

export async function runOnOrder(env: Env, ref: OrderRef, command: OrderCommand): Promise<Response> {
  return answerToResponse(await orderObject(env, ref).execute(ref, command));
}

export async function viewOrder(env: Env, ref: OrderRef): Promise<Response> {
  return answerToResponse(await orderObject(env, ref).view(ref));
}
