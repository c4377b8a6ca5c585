/** What every route handler gets from the router, and the way to an order object. */
import type { IRequest } from "itty-router";
import type { GatewayAnswer } from "../../model/answer";
import type { OrderCommand } from "../../model/commands";
import { readConfig, type Config } from "../../model/config";
import { objectName, type OrderRef } from "../../model/rpc";
import { verifyCaller, type Scope } from "../auth/caller-jwt";
import { answerToResponse } from "../respond";

export type Handler = (request: IRequest, env: Env, ctx: ExecutionContext) => Promise<Response>;

/** Authenticates the caller for `scopes`; returns the checked configuration. */
export async function authorize(request: IRequest, env: Env, scopes: Scope[]): Promise<Config> {
  const config = readConfig(env);
  await verifyCaller(request, config, scopes);
  return config;
}

export async function runOnOrder(env: Env, ref: OrderRef, command: OrderCommand): Promise<Response> {
  const answer: GatewayAnswer = await env.ORDERS.getByName(objectName(ref)).execute(ref, command);
  return answerToResponse(answer);
}

export async function viewOrder(env: Env, ref: OrderRef): Promise<Response> {
  return answerToResponse(await env.ORDERS.getByName(objectName(ref)).view(ref));
}
