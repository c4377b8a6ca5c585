/**
 * The OpenAPI 3.1 document served at `GET /openapi.json`, generated from the same valibot
 * schemas that validate requests (validation/schemas.ts), so the document and the checks
 * cannot disagree. Built on the first request and cached per isolate: startup stays cheap.
 * Response shapes come from model/order.ts and model/problem.ts.
 */
import type * as v from "valibot";
import { version } from "../package.json";
import { components, jsonSchema, ref, type Json } from "./openapi-components";
import { DepositIdSchema, IdempotencyKeySchema, OrderIdSchema, RegKeyTokenSchema } from "./validation/schemas";

const problem = (description: string, retryAfter = false) => ({
  description,
  content: { "application/problem+json": { schema: ref("Problem") } },
  ...(retryAfter ? { headers: { "Retry-After": { schema: { type: "integer" } } } } : {}),
});
const ok = (description: string, name: string) => ({
  description,
  content: { "application/json": { schema: ref(name) } },
});
const jsonBody = (name: string, required = true) => ({
  required,
  content: { "application/json": { schema: ref(name) } },
});
const pathParam = (name: string, schema: v.GenericSchema, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: jsonSchema(schema),
});

/** Errors every authenticated route can answer. */
const authErrors = {
  "400": problem("invalid_request: the body, a parameter or a header failed validation; `errors` lists each field"),
  "401": problem("unauthorized: missing, invalid or expired credentials (`WWW-Authenticate` says which scheme)"),
  "403": problem("forbidden: the token lacks the route's scope"),
  "500": problem("configuration_error (names the missing setting) or internal_error"),
};
const readErrors = { ...authErrors, "404": problem("not_found: no such order, deposit or token") };
const writeErrors = {
  ...readErrors,
  "402": problem("payment_declined: LINE Pay refused for a customer or card reason (`returnCode`)"),
  "409": problem(
    "invalid_state (not allowed in the current state), or in_progress (ask again after Retry-After)",
    true,
  ),
  "422": problem("idempotency_mismatch: the orderId, depositId or Idempotency-Key was used with other parameters"),
  "502": problem("amount_mismatch (LINE Pay paid another amount; it was given back) or upstream_error (`returnCode`)"),
  "503": problem("upstream_unavailable: LINE Pay was unreachable before anything was processed; retry", true),
};
const { "403": _noScopes, ...webhookErrors } = writeErrors;
const unknown = (name: string) => ({
  "202": {
    ...ok("UNKNOWN: LINE Pay's answer was lost and recovery is running; GET it after Retry-After", name),
    headers: { "Retry-After": { schema: { type: "integer" } } },
  },
});
const replayed = "A repeat of an earlier request gets the stored answer with `Idempotent-Replayed: true`.";

function op(summary: string, scopes: string[], extra: Json): Json {
  return { summary, description: `Scope: ${scopes.join(" or ")}.`, security: [{ bearer: scopes }], ...extra };
}

let cached: Json | undefined;

export function openApiDocument(): Json {
  cached ??= build();
  return cached;
}

function build(): Json {
  const orderId = pathParam("orderId", OrderIdSchema, "1-100 printable ASCII characters, percent-encoded");
  const token = pathParam("regKeyToken", RegKeyTokenSchema, "the token a PREAPPROVED confirm returned");
  const depositId = pathParam("depositId", DepositIdSchema, "1-100 printable ASCII characters, percent-encoded");
  const idempotencyKey = {
    name: "Idempotency-Key",
    in: "header",
    required: true,
    description: "names this refund; several distinct partial refunds of one order are legitimate",
    schema: jsonSchema(IdempotencyKeySchema),
  };
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "LINE Pay edge gateway",
      version,
      description: `Idempotent, recoverable LINE Pay payments. Errors are RFC 9457 problem+json. ${replayed}`,
    },
    components: components(),
    paths: {
      "/healthz": {
        get: {
          summary: "Health",
          responses: {
            "200": {
              description: "the gateway is up",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { ok: { const: true }, version: { type: "string" } },
                  },
                },
              },
            },
          },
        },
      },
      "/openapi.json": {
        get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } },
      },
      "/v1/payments": {
        post: op("Reserve an online payment (LINE Pay v3 request body)", ["payments"], {
          requestBody: jsonBody("ReserveRequest"),
          responses: { "201": ok("RESERVED, with paymentUrl", "Order"), ...writeErrors },
        }),
      },
      "/v1/payments/{orderId}": {
        get: op("The order and its events", ["payments", "pos"], {
          parameters: [orderId],
          responses: { "200": ok("the order", "Order"), ...readErrors },
        }),
      },
      "/v1/payments/{orderId}/confirm": {
        post: op("Confirm after the customer approved", ["payments"], {
          parameters: [orderId],
          requestBody: jsonBody("Money"),
          responses: { "200": ok("CAPTURED or AUTHORIZED", "Order"), ...unknown("Order"), ...writeErrors },
        }),
      },
      "/v1/payments/{orderId}/capture": {
        post: op("Capture an authorization", ["payments", "pos"], {
          parameters: [orderId],
          requestBody: jsonBody("Money"),
          responses: { "200": ok("CAPTURED", "Order"), ...unknown("Order"), ...writeErrors },
        }),
      },
      "/v1/payments/{orderId}/void": {
        post: op("Void an authorization (no body, or {})", ["payments", "pos"], {
          parameters: [orderId],
          responses: { "200": ok("VOIDED", "Order"), ...unknown("Order"), ...writeErrors },
        }),
      },
      "/v1/payments/{orderId}/refund": {
        post: op("Refund all (no refundAmount) or part", ["payments", "pos"], {
          parameters: [orderId, idempotencyKey],
          requestBody: jsonBody("RefundRequest", false),
          responses: { "200": ok("REFUNDED or PARTIALLY_REFUNDED", "Order"), ...unknown("Order"), ...writeErrors },
        }),
      },
      "/v1/pos/payments": {
        post: op("Pay with the customer's My Code (Offline API v2)", ["pos"], {
          requestBody: jsonBody("PosPayRequest"),
          responses: { "200": ok("CAPTURED or AUTHORIZED", "Order"), ...unknown("Order"), ...writeErrors },
        }),
      },
      "/v1/preapproved/{regKeyToken}/payments": {
        post: op("Pay on a stored regKey", ["payments"], {
          parameters: [token],
          requestBody: jsonBody("PreapprovedPayRequest"),
          responses: { "200": ok("CAPTURED or AUTHORIZED", "Order"), ...unknown("Order"), ...writeErrors },
        }),
      },
      "/v1/preapproved/{regKeyToken}": {
        get: op("LINE Pay's check of the regKey", ["payments"], {
          parameters: [token],
          responses: { "200": ok("ACTIVE or EXPIRED", "RegKeyStatus"), ...writeErrors },
        }),
        delete: op("Expire the regKey at LINE Pay and forget the token", ["payments"], {
          parameters: [token],
          responses: { "200": ok("EXPIRED", "RegKeyStatus"), ...writeErrors },
        }),
      },
      "/v1/deposits": {
        post: op("Send a Partner Deposit", ["deposits"], {
          requestBody: jsonBody("DepositRequest"),
          responses: { "200": ok("COMPLETED", "Deposit"), ...unknown("Deposit"), ...writeErrors },
        }),
      },
      "/v1/deposits/{depositId}": {
        get: op("The deposit and its events", ["deposits"], {
          parameters: [depositId],
          responses: { "200": ok("the deposit", "Deposit"), ...readErrors },
        }),
      },
      "/v1/webhooks/deposits": {
        post: {
          summary: "A signed deposit trigger; depositId defaults to webhook-id, so a redelivery deposits once",
          security: [{ webhookSignature: [] }],
          requestBody: jsonBody("DepositWebhook"),
          responses: {
            "200": ok("the deposit (a redelivery replays it)", "Deposit"),
            ...unknown("Deposit"),
            ...webhookErrors,
            "401": problem("unauthorized: a signature header is missing, stale (over 5 minutes) or wrong"),
          },
        },
      },
    },
  };
}
