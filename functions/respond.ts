/**
 * Responses leave the gateway from here only. Every one is `Cache-Control: no-store`: it
 * describes a payment or an error about one, and no cache between the caller and us may keep
 * it. Answers with a 4xx or 5xx status carry RFC 9457 problem+json.
 */
import type { GatewayAnswer } from "../model/answer";
import { PROBLEM_TYPE_BASE } from "../model/problem";

export const PROBLEM_JSON = "application/problem+json";

export function answerToResponse(answer: GatewayAnswer): Response {
  const headers = new Headers(answer.headers);
  headers.set("Content-Type", answer.status >= 400 ? PROBLEM_JSON : "application/json");
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers });
}

export function json(body: unknown, status = 200): Response {
  return answerToResponse({ status, body });
}

/**
 * Problems only the edge produces, outside the contract's table (model/problem.ts): they are
 * about the gateway itself, never about an order, so no Durable Object ever stores them.
 */
export const EDGE_PROBLEMS = {
  method_not_allowed: { status: 405, title: "Method not allowed" },
  configuration_error: { status: 500, title: "Gateway misconfigured" },
  internal_error: { status: 500, title: "Internal error" },
} as const;

export type EdgeProblemCode = keyof typeof EDGE_PROBLEMS;

export function edgeProblem(code: EdgeProblemCode, detail: string, headers: Record<string, string> = {}): Response {
  const { status, title } = EDGE_PROBLEMS[code];
  return answerToResponse({
    status,
    body: { type: PROBLEM_TYPE_BASE + code.replaceAll("_", "-"), title, status, detail, code },
    headers,
  });
}
