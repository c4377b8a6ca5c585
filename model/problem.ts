/**
 * The gateway's one error family (CONTRACT.md "Errors", and three codes about the gateway
 * itself: 405, a configuration it cannot serve with, an internal failure). Code throws
 * `GatewayError` (or a subclass: AuthError, ConfigError); `problemAnswer` turns it into RFC 9457
 * problem+json, for the router's `catch` and for the answers order objects store and replay.
 * Nothing else builds error bodies.
 */
import type { GatewayAnswer } from "./answer";

export const PROBLEM_CODES = {
  invalid_request: { status: 400, title: "Invalid request" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  not_found: { status: 404, title: "Not found" },
  invalid_state: { status: 409, title: "Operation not allowed in the current state" },
  in_progress: { status: 409, title: "Operation in progress" },
  idempotency_mismatch: { status: 422, title: "Idempotency key reused with different parameters" },
  payment_declined: { status: 402, title: "Payment declined" },
  amount_mismatch: { status: 502, title: "LINE Pay paid a different amount" },
  upstream_error: { status: 502, title: "LINE Pay refused the request" },
  upstream_unavailable: { status: 503, title: "LINE Pay unavailable" },
  // About the gateway, never about an order: no order object stores these.
  method_not_allowed: { status: 405, title: "Method not allowed" },
  configuration_error: { status: 500, title: "Gateway misconfigured" },
  internal_error: { status: 500, title: "Internal error" },
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export interface FieldProblem {
  path: string;
  message: string;
}

export interface ProblemExtras {
  errors?: FieldProblem[];
  returnCode?: string;
  returnMessage?: string;
  orderId?: string;
  depositId?: string;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  /** Other response headers (`Allow`, `WWW-Authenticate`); never part of the body. */
  headers?: Record<string, string>;
}

export class GatewayError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly extras: ProblemExtras;

  constructor(code: ProblemCode, detail: string, extras: ProblemExtras = {}) {
    super(detail);
    this.name = "GatewayError";
    this.code = code;
    this.status = PROBLEM_CODES[code].status;
    this.extras = extras;
  }
}

export const PROBLEM_TYPE_BASE = "https://linepay-gateway.dev/problems/";

export function problemBody(code: ProblemCode, detail: string, extras: ProblemExtras = {}) {
  const { retryAfter: _retryAfter, headers: _headers, ...rest } = extras;
  return {
    type: PROBLEM_TYPE_BASE + code.replaceAll("_", "-"),
    title: PROBLEM_CODES[code].title,
    status: PROBLEM_CODES[code].status,
    detail,
    code,
    ...rest,
  };
}

export function problemAnswer(error: GatewayError): GatewayAnswer {
  const headers: Record<string, string> = { ...error.extras.headers };
  if (error.extras.retryAfter !== undefined) headers["Retry-After"] = String(error.extras.retryAfter);
  return { status: error.status, body: problemBody(error.code, error.message, error.extras), headers };
}
