/**
 * The router's one `catch`: every thrown error becomes a problem+json response here and
 * nowhere else. GatewayError carries its own status and code; a ConfigError names the missing
 * setting (its message never holds a value); anything else is a 500 with no stack, logged as
 * one line holding only the error's class name and the route pattern.
 */
import type { IRequest } from "itty-router";
import { ConfigError } from "../model/config";
import { GatewayError, problemAnswer } from "../model/problem";
import { AuthError } from "./auth/auth-error";
import { logEdge } from "./log";
import { answerToResponse, edgeProblem } from "./respond";

export function toProblemResponse(error: unknown, request: IRequest): Response {
  if (error instanceof GatewayError) {
    const response = answerToResponse(problemAnswer(error));
    if (error instanceof AuthError) response.headers.set("WWW-Authenticate", error.challenge);
    return response;
  }
  const where = { route: request.route, method: request.method };
  if (error instanceof ConfigError) {
    logEdge({ event: "config.error", level: "error", ...where, detail: error.message });
    return edgeProblem("configuration_error", error.message);
  }
  logEdge({
    event: "internal.error",
    level: "error",
    ...where,
    error: error instanceof Error ? error.name : typeof error,
  });
  return edgeProblem("internal_error", "the gateway failed unexpectedly");
}
