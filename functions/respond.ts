/**
 * Responses leave the gateway from here only: an answer from an object, a JSON body, or a
 * problem. Every response is `Cache-Control: no-store` (payment state must never be cached).
 */
import type { GatewayAnswer } from "../model/answer";
import { ConfigError } from "../model/config";
import { GatewayError, problemAnswer, problemBody } from "../model/problem";
import { logEdge } from "./log";

export function answerToResponse(answer: GatewayAnswer): Response {
  const headers = new Headers(answer.headers);
  headers.set("Cache-Control", "no-store");
  headers.set("Content-Type", answer.status >= 400 ? "application/problem+json" : "application/json");
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers });
}

export function json(body: unknown, status = 200): Response {
  return answerToResponse({ status, body });
}

/** The router's one `catch`: every thrown error becomes problem+json, never a stack trace. */
export function errorToResponse(error: unknown, request?: Request): Response {
  if (error instanceof GatewayError) {
    const response = answerToResponse(problemAnswer(error));
    if (error.code === "unauthorized") response.headers.set("WWW-Authenticate", 'Bearer realm="linepay-gateway"');
    return response;
  }
  if (error instanceof ConfigError) {
    logEdge({ event: "config.error", level: "error", detail: error.message });
    return answerToResponse({
      status: 500,
      body: {
        ...problemBody("upstream_unavailable", error.message),
        status: 500,
        title: "Gateway misconfigured",
        code: "configuration_error",
        type: "https://linepay-gateway.dev/problems/configuration-error",
      },
    });
  }
  logEdge({
    event: "internal.error",
    level: "error",
    path: request ? new URL(request.url).pathname : undefined,
    error: error instanceof Error ? error.name : typeof error,
  });
  return answerToResponse({
    status: 500,
    body: {
      type: "https://linepay-gateway.dev/problems/internal-error",
      title: "Internal error",
      status: 500,
      detail: "the gateway failed unexpectedly",
      code: "internal_error",
    },
  });
}
