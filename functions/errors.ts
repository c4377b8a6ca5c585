/**
 * The router's one `catch`: every thrown error becomes a problem+json response here and
 * nowhere else. GatewayError carries its own status and code; a ConfigError names the missing
 * setting (its message never holds a value); anything else is a 500 with no stack, logged as
 * one line holding only the error's class name and the route pattern.
 */
import type { IRequest } from "itty-router";
import { ConfigError } from "../model/config";
import { GatewayError, problemAnswer } from "../model/problem";
import { logEdge } from "./log";
import { answerToResponse } from "./respond";

export function toProblemResponse(error: unknown, request: IRequest): Response {
  const where = { route: request.route, method: request.method };
  if (error instanceof ConfigError) logEdge({ event: "config.error", level: "error", ...where, detail: error.message });
  if (error instanceof GatewayError) return answerToResponse(problemAnswer(error));
  logEdge({
    event: "internal.error",
    level: "error",
    ...where,
    error: error instanceof Error ? error.name : typeof error,
  });
  return answerToResponse(problemAnswer(new GatewayError("internal_error", "the gateway failed unexpectedly")));
}
