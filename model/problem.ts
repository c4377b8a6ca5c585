/**
 * The gateway's one error family (CONTRACT.md "Errors"). Code throws `GatewayError`; the
 * router's `catch` and the order object's stored answers turn it into RFC 9457
 * problem+json with `problemAnswer`. Nothing else builds error bodies.
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
  const { retryAfter: _retryAfter, ...rest } = extras;
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
  const headers: Record<string, string> = {};
  if (error.extras.retryAfter !== undefined) headers["Retry-After"] = String(error.extras.retryAfter);
  return { status: error.status, body: problemBody(error.code, error.message, error.extras), headers };
}
