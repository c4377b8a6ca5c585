/**
 * Responses leave the gateway from here only. Every one is `Cache-Control: no-store`: it
 * describes a payment or an error about one, and no cache between the caller and us may keep
 * it. Answers with a 4xx or 5xx status carry RFC 9457 problem+json.
 */
import type { GatewayAnswer } from "../model/answer";

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
