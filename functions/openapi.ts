/**
 * The OpenAPI 3.1 document at GET /openapi.json, generated from the same valibot schemas that
 * validate requests (validation/schemas.ts). Built on first request, then cached per isolate.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { version } from "../package.json";
import { ORDER_STATES, DEPOSIT_STATES } from "../model/order";
import { PROBLEM_CODES } from "../model/problem";
import {
  DepositSchema,
  DepositWebhookSchema,
  MoneySchema,
  PosPaySchema,
  PreapprovedPaySchema,
  RefundSchema,
  ReserveSchema,
} from "./validation/schemas";

type Json = Record<string, unknown>;

const schema = (s: v.GenericSchema): Json => {
  const { $schema: _drop, ...rest } = toJsonSchema(s, { errorMode: "ignore" }) as Json;
  return rest;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref("Problem") } },
});
const ok = (description: string, name: string) => ({
  description,
  content: { "application/json": { schema: ref(name) } },
});
const body = (name: string, required = true) => ({ required, content: { "application/json": { schema: ref(name) } } });
const orderIdParam = {
  name: "orderId",
  in: "path",
  required: true,
  schema: { type: "string", minLength: 1, maxLength: 100 },
};
const tokenParam = {
  name: "regKeyToken",
  in: "path",
  required: true,
  schema: { type: "string", pattern: "^rk_[A-Za-z0-9_-]{43}$" },
};

const common = {
  "400": problem("invalid_request: the body or a parameter failed validation (see `errors`)"),
  "401": problem("unauthorized: missing, invalid or expired credentials"),
  "403": problem("forbidden: the token lacks the route's scope"),
};
const orderErrors = {
  ...common,
  "402": problem("payment_declined: LINE Pay refused for a customer or card reason (`returnCode`)"),
  "404": problem("not_found"),
  "409": problem("invalid_state, or in_progress (with Retry-After)"),
  "422": problem("idempotency_mismatch: the id was used with other parameters"),
  "502": problem("amount_mismatch (the payment was given back) or upstream_error (`returnCode`)"),
  "503": problem("upstream_unavailable: LINE Pay did not process the call; retry"),
};
const accepted = {
  "202": {
    ...ok("UNKNOWN: LINE Pay's answer was lost; recovery runs; ask again after Retry-After", "Order"),
    headers: { "Retry-After": { schema: { type: "integer" } } },
  },
};

function operation(summary: string, scopes: string[], extra: Json): Json {
  return { summary, security: [{ bearer: scopes }], ...extra };
}

let cached: Json | undefined;

export function openApiDocument(): Json {
  cached ??= build();
  return cached;
}

function build(): Json {
  const order = {
    type: "object",
    required: ["orderId", "kind", "state", "amount", "currency", "refundedAmount"],
    properties: {
      orderId: { type: "string" },
      kind: { enum: ["online", "pos", "preapproved"] },
      state: { enum: [...ORDER_STATES] },
      amount: { type: "number" },
      currency: { type: "string" },
      transactionId: { type: "string", pattern: "^\\d+$", description: "LINE Pay's 19-digit id, as a string" },
      payInfo: {
        type: "array",
        items: { type: "object", properties: { method: { type: "string" }, amount: { type: "number" } } },
      },
      refundedAmount: { type: "number" },
      paymentUrl: { type: "object", properties: { web: { type: "string" }, app: { type: "string" } } },
      regKeyToken: { type: "string", description: "PREAPPROVED confirm only" },
      events: { type: "array", items: ref("Event") },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "LINE Pay edge gateway",
      version,
      description: "Idempotent, recoverable LINE Pay payments. Errors are RFC 9457 problem+json.",
    },
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "scope claim: payments, pos, deposits",
        },
        webhookSignature: {
          type: "apiKey",
          in: "header",
          name: "webhook-signature",
          description: "Standard Webhooks signature with webhook-id and webhook-timestamp",
        },
      },
      schemas: {
        ReserveRequest: schema(ReserveSchema),
        Money: schema(MoneySchema),
        RefundRequest: schema(RefundSchema),
        PosPayRequest: schema(PosPaySchema),
        PreapprovedPayRequest: schema(PreapprovedPaySchema),
        DepositRequest: schema(DepositSchema),
        DepositWebhook: schema(DepositWebhookSchema),
        Order: order,
        Event: {
          type: "object",
          properties: {
            at: { type: "string" },
            operation: { type: "string" },
            outcome: { type: "string" },
            returnCode: { type: "string" },
            detail: { type: "string" },
          },
        },
        Deposit: {
          type: "object",
          properties: {
            depositId: { type: "string" },
            state: { enum: [...DEPOSIT_STATES] },
            transactionId: { type: "string" },
            amount: { type: "integer" },
            currency: { const: "JPY" },
            fee: { type: ["integer", "null"] },
            events: { type: "array", items: ref("Event") },
          },
        },
        RegKeyStatus: { type: "object", properties: { status: { enum: ["ACTIVE", "EXPIRED"] } } },
        Problem: {
          type: "object",
          required: ["type", "title", "status", "detail", "code"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            code: {
              enum: [...Object.keys(PROBLEM_CODES), "configuration_error", "internal_error", "method_not_allowed"],
            },
            returnCode: { type: "string" },
            returnMessage: { type: "string" },
            orderId: { type: "string" },
            depositId: { type: "string" },
            errors: {
              type: "array",
              items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } },
            },
          },
        },
      },
    },
    paths: {
      "/healthz": {
        get: {
          summary: "Health",
          responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
      "/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } } },
      "/v1/payments": {
        post: operation("Reserve an online payment", ["payments"], {
          requestBody: body("ReserveRequest"),
          responses: { "201": ok("RESERVED, with paymentUrl", "Order"), ...accepted, ...orderErrors },
        }),
      },
      "/v1/payments/{orderId}": {
        get: operation("The order and its events", ["payments", "pos"], {
          parameters: [orderIdParam],
          responses: { "200": ok("the order", "Order"), ...common, "404": problem("not_found") },
        }),
      },
      "/v1/payments/{orderId}/confirm": {
        post: operation("Confirm after the customer approved", ["payments"], {
          parameters: [orderIdParam],
          requestBody: body("Money"),
          responses: { "200": ok("CAPTURED or AUTHORIZED", "Order"), ...accepted, ...orderErrors },
        }),
      },
      "/v1/payments/{orderId}/capture": {
        post: operation("Capture an authorization", ["payments", "pos"], {
          parameters: [orderIdParam],
          requestBody: body("Money"),
          responses: { "200": ok("CAPTURED", "Order"), ...accepted, ...orderErrors },
        }),
      },
      "/v1/payments/{orderId}/void": {
        post: operation("Void an authorization", ["payments", "pos"], {
          parameters: [orderIdParam],
          responses: { "200": ok("VOIDED", "Order"), ...accepted, ...orderErrors },
        }),
      },
      "/v1/payments/{orderId}/refund": {
        post: operation("Refund all or part", ["payments", "pos"], {
          parameters: [
            orderIdParam,
            {
              name: "Idempotency-Key",
              in: "header",
              required: true,
              schema: { type: "string", minLength: 1, maxLength: 255 },
            },
          ],
          requestBody: body("RefundRequest", false),
          responses: { "200": ok("REFUNDED or PARTIALLY_REFUNDED", "Order"), ...accepted, ...orderErrors },
        }),
      },
      "/v1/pos/payments": {
        post: operation("Pay with the customer's My Code (Offline API v2)", ["pos"], {
          requestBody: body("PosPayRequest"),
          responses: { "200": ok("CAPTURED or AUTHORIZED", "Order"), ...accepted, ...orderErrors },
        }),
      },
      "/v1/preapproved/{regKeyToken}/payments": {
        post: operation("Pay on a stored regKey", ["payments"], {
          parameters: [tokenParam],
          requestBody: body("PreapprovedPayRequest"),
          responses: { "200": ok("CAPTURED or AUTHORIZED", "Order"), ...accepted, ...orderErrors },
        }),
      },
      "/v1/preapproved/{regKeyToken}": {
        get: operation("LINE Pay's check of the regKey", ["payments"], {
          parameters: [tokenParam],
          responses: { "200": ok("status", "RegKeyStatus"), ...orderErrors },
        }),
        delete: operation("Expire the regKey and forget the token", ["payments"], {
          parameters: [tokenParam],
          responses: { "200": ok("EXPIRED", "RegKeyStatus"), ...orderErrors },
        }),
      },
      "/v1/deposits": {
        post: operation("Send a Partner Deposit", ["deposits"], {
          requestBody: body("DepositRequest"),
          responses: {
            "200": ok("COMPLETED", "Deposit"),
            "202": ok("UNKNOWN; recovery runs", "Deposit"),
            ...orderErrors,
          },
        }),
      },
      "/v1/deposits/{depositId}": {
        get: operation("The deposit and its events", ["deposits"], {
          parameters: [{ ...orderIdParam, name: "depositId" }],
          responses: { "200": ok("the deposit", "Deposit"), ...common, "404": problem("not_found") },
        }),
      },
      "/v1/webhooks/deposits": {
        post: {
          summary: "A deposit trigger, signed per Standard Webhooks; depositId defaults to webhook-id",
          security: [{ webhookSignature: [] }],
          requestBody: body("DepositWebhook"),
          responses: {
            "200": ok("the deposit (a redelivery replays it)", "Deposit"),
            "202": ok("UNKNOWN; recovery runs", "Deposit"),
            ...orderErrors,
          },
        },
      },
    },
  };
}
