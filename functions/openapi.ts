/**
 * The OpenAPI 3.1 document served at `GET /openapi.json`, generated from the same valibot
 * schemas that validate requests (validation/schemas.ts), so the document and the checks
 * cannot disagree. It is built ahead of time, not in the Worker: `npm run openapi` writes
 * openapi-document.json, which routes/service.ts serves as it is, and a test fails when that
 * file is not what this module builds now. (Built in the Worker, the JSON Schema converter and
 * the examples would push the bundle past its 150 KiB budget.) Response shapes come from
 * model/order.ts and model/problem.ts, examples from openapi-examples.ts.
 */
import type * as v from "valibot";
import { version } from "../package.json";
import type { ProblemCode } from "../model/problem";
import { components, jsonSchema, ref, type Json } from "./openapi-components";
import {
  DEPOSIT_EXAMPLES,
  HEALTH_EXAMPLES,
  MERCHANT_EXAMPLES,
  MERCHANT_REQUEST_EXAMPLES,
  ORDER_EXAMPLES,
  REGKEY_EXAMPLES,
  REQUEST_EXAMPLES,
  problemExample,
  type Example,
} from "./openapi-examples";
import { MerchantIdSchema, RegisteredMerchantIdSchema } from "./validation/merchant";
import { DepositIdSchema, IdempotencyKeySchema, OrderIdSchema, RegKeyTokenSchema } from "./validation/schemas";

type Code = ProblemCode;

/** A problem answer; its description and examples name each code it may carry. */
const problem = (codes: Code[], description: string, retryAfter = false) => ({
  description: `${codes.join(" or ")}: ${description}`,
  content: {
    "application/problem+json": {
      schema: ref("Problem"),
      examples: Object.fromEntries(codes.map((c) => [c, problemExample(c)])),
    },
  },
  ...(retryAfter ? { headers: { "Retry-After": retryAfterHeader } } : {}),
});
const retryAfterHeader = { description: "seconds to wait before asking again", schema: { type: "integer" } };
const ok = (description: string, name: string, examples: Record<string, Example>) => ({
  description,
  content: { "application/json": { schema: ref(name), examples } },
});
const orders = (...names: (keyof typeof ORDER_EXAMPLES)[]) =>
  Object.fromEntries(names.map((n) => [n, ORDER_EXAMPLES[n]]));
const jsonBody = (name: string, required = true) => ({
  required,
  content: { "application/json": { schema: ref(name), examples: REQUEST_EXAMPLES[name] } },
});
const pathParam = (name: string, schema: v.GenericSchema, description: string, example: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: jsonSchema(schema),
  example,
});

/**
 * Answers shared by many operations live once in components.responses and are referenced:
 * written out under every operation, their examples would make the document five times longer.
 */
const RESPONSES = {
  BadRequest: problem(
    ["invalid_request"],
    "the body, a parameter or a header failed validation; `errors` lists each field",
  ),
  Unauthorized: problem(
    ["unauthorized"],
    "missing, invalid or expired credentials; `detail` names the failing check, `WWW-Authenticate` the scheme",
  ),
  WebhookUnauthorized: problem(["unauthorized"], "a signature header is missing, stale (over 5 minutes) or wrong"),
  Forbidden: problem(
    ["forbidden"],
    "the token lacks the route's scope, or its `merchant` claim names no registered merchant (or a disabled one, on a route that moves new money)",
  ),
  AdminForbidden: problem(["forbidden"], "the token lacks the admin scope"),
  ServerError: problem(["configuration_error", "internal_error"], "a setting is missing (named) or the gateway failed"),
  NotFound: problem(["not_found"], "no such order, deposit or token"),
  MerchantNotFound: problem(["not_found"], "no merchant is registered under this merchantId"),
  MerchantDisabled: problem(["forbidden"], "the signature verifies, but the merchant is disabled: no new deposits"),
  Declined: problem(["payment_declined"], "LINE Pay refused for a customer or card reason (`returnCode`)"),
  Conflict: problem(
    ["invalid_state", "in_progress"],
    "not allowed in the current state, or busy with another operation (ask again after Retry-After)",
    true,
  ),
  Mismatch: problem(
    ["idempotency_mismatch"],
    "the orderId, depositId or Idempotency-Key was used with other parameters",
  ),
  Upstream: problem(
    ["amount_mismatch", "upstream_error"],
    "LINE Pay paid another amount (it was given back), or refused (`returnCode`)",
  ),
  Unavailable: problem(["upstream_unavailable"], "LINE Pay was unreachable before anything was sent; retry", true),
  OrderUnknown: {
    ...ok(
      "UNKNOWN: LINE Pay's answer was lost and recovery is running; GET it after Retry-After",
      "Order",
      orders("unknown"),
    ),
    headers: { "Retry-After": retryAfterHeader },
  },
  DepositUnknown: {
    ...ok(
      "UNKNOWN: LINE Pay's answer was lost; the gateway sends the same request again until LINE Pay tells",
      "Deposit",
      { unknown: DEPOSIT_EXAMPLES.unknown },
    ),
    headers: { "Retry-After": retryAfterHeader },
  },
};
const use = (name: keyof typeof RESPONSES) => ({ $ref: `#/components/responses/${name}` });

/** Errors every authenticated route can answer. */
const authErrors = {
  "400": use("BadRequest"),
  "401": use("Unauthorized"),
  "403": use("Forbidden"),
  "500": use("ServerError"),
};
const readErrors = { ...authErrors, "404": use("NotFound") };
const writeErrors = {
  ...readErrors,
  "402": use("Declined"),
  "409": use("Conflict"),
  "422": use("Mismatch"),
  "502": use("Upstream"),
  "503": use("Unavailable"),
};
const { "403": _noScopes, ...webhookErrors } = writeErrors;
const adminErrors = { ...authErrors, "403": use("AdminForbidden") };
const unknownOrder = { "202": use("OrderUnknown") };
const unknownDeposit = { "202": use("DepositUnknown") };
// Both deposit webhooks answer alike; the merchant's can also say its merchant is disabled.
const webhookResponses = {
  "200": ok("the deposit (a redelivery replays it)", "Deposit", { completed: DEPOSIT_EXAMPLES.completed }),
  ...unknownDeposit,
  ...webhookErrors,
  "401": use("WebhookUnauthorized"),
};
const replayed = "A repeat of an earlier request gets the stored answer with `Idempotent-Replayed: true`.";

function op(operationId: string, tag: string, summary: string, scopes: string[], extra: Json): Json {
  return {
    operationId,
    tags: [tag],
    summary,
    description: `Scope: ${scopes.join(" or ")}.`,
    security: [{ bearer: scopes }],
    ...extra,
  };
}

const TAGS = [
  { name: "online", description: "Storefront checkouts: LINE Pay Online API (v3 or v4)" },
  { name: "pos", description: "POS terminals: the customer's My Code, LINE Pay Offline API v2" },
  { name: "preapproved", description: "Payments on a stored regKey (subscriptions)" },
  { name: "deposits", description: "Payouts: LINE Pay Partner Deposit, by API or signed webhook" },
  { name: "merchants", description: "The merchant registry: one LINE Pay channel per merchant (scope admin)" },
  { name: "service", description: "Health and this document; no token" },
];

export function buildOpenApiDocument(): Json {
  const orderId = pathParam("orderId", OrderIdSchema, "1-100 printable ASCII characters, percent-encoded", "shop-1001");
  const token = pathParam(
    "regKeyToken",
    RegKeyTokenSchema,
    "the token a PREAPPROVED confirm returned",
    `rk_${"Q".repeat(43)}`,
  );
  const depositId = pathParam(
    "depositId",
    DepositIdSchema,
    "1-100 printable ASCII characters, percent-encoded",
    "reward-42",
  );
  const merchantId = pathParam(
    "merchantId",
    RegisteredMerchantIdSchema,
    '1-64 characters of A-Z, a-z, 0-9, _ and -; "default" is reserved for the configured merchant',
    "tea-house-taipei",
  );
  const webhookMerchantId = pathParam(
    "merchantId",
    MerchantIdSchema,
    "the merchant whose depositWebhookSecret signs the delivery",
    "tea-house-taipei",
  );
  const idempotencyKey = {
    name: "Idempotency-Key",
    in: "header",
    required: true,
    description: "names this refund; several distinct partial refunds of one order are legitimate",
    schema: jsonSchema(IdempotencyKeySchema),
    example: "refund-1",
  };
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "LINE Pay edge gateway",
      version,
      description: `Idempotent, recoverable LINE Pay payments. Errors are RFC 9457 problem+json. ${replayed}`,
    },
    servers: [
      { url: "/", description: "the gateway that serves this document" },
      { url: "http://127.0.0.1:8787", description: "npm start" },
    ],
    tags: TAGS,
    components: { ...components(), responses: RESPONSES },
    paths: {
      "/healthz": {
        get: {
          operationId: "getHealth",
          tags: ["service"],
          summary: "Health: can the configuration serve?",
          security: [],
          responses: {
            "200": ok("the gateway is up and configured", "Health", { ok: HEALTH_EXAMPLES.ok }),
            "503": ok(
              "the configuration cannot serve: each missing or invalid setting is named, never shown",
              "Health",
              { broken: HEALTH_EXAMPLES.broken },
            ),
          },
        },
      },
      "/openapi.json": {
        get: {
          operationId: "getOpenApi",
          tags: ["service"],
          summary: "This document",
          security: [],
          responses: {
            "200": {
              description: "OpenAPI 3.1",
              content: {
                "application/json": {
                  schema: { type: "object" },
                  examples: {
                    document: {
                      summary: "The start of this document",
                      value: { openapi: "3.1.0", info: { title: "LINE Pay edge gateway", version } },
                    },
                  },
                },
              },
            },
          },
        },
      },
      "/v1/payments": {
        post: op("reservePayment", "online", "Reserve an online payment (LINE Pay v3 request body)", ["payments"], {
          requestBody: jsonBody("ReserveRequest"),
          responses: { "201": ok("RESERVED, with paymentUrl", "Order", orders("reserved")), ...writeErrors },
        }),
      },
      "/v1/payments/{orderId}": {
        get: op("getPayment", "online", "The order and its events (any kind)", ["payments", "pos"], {
          parameters: [orderId],
          responses: { "200": ok("the order", "Order", orders("withEvents")), ...readErrors },
        }),
      },
      "/v1/payments/{orderId}/confirm": {
        post: op("confirmPayment", "online", "Confirm after the customer approved", ["payments"], {
          parameters: [orderId],
          requestBody: jsonBody("Money"),
          responses: {
            "200": ok("CAPTURED or AUTHORIZED", "Order", orders("captured", "authorized", "preapproved")),
            ...unknownOrder,
            ...writeErrors,
          },
        }),
      },
      "/v1/payments/{orderId}/capture": {
        post: op("capturePayment", "online", "Capture an authorization", ["payments", "pos"], {
          parameters: [orderId],
          requestBody: jsonBody("Money"),
          responses: { "200": ok("CAPTURED", "Order", orders("captured")), ...unknownOrder, ...writeErrors },
        }),
      },
      "/v1/payments/{orderId}/void": {
        post: op("voidPayment", "online", "Void an authorization (no body, or {})", ["payments", "pos"], {
          parameters: [orderId],
          responses: { "200": ok("VOIDED", "Order", orders("voided")), ...unknownOrder, ...writeErrors },
        }),
      },
      "/v1/payments/{orderId}/refund": {
        post: op("refundPayment", "online", "Refund all (no refundAmount) or part", ["payments", "pos"], {
          parameters: [orderId, idempotencyKey],
          requestBody: jsonBody("RefundRequest", false),
          responses: {
            "200": ok("REFUNDED or PARTIALLY_REFUNDED", "Order", orders("partiallyRefunded", "refunded")),
            ...unknownOrder,
            ...writeErrors,
          },
        }),
      },
      "/v1/pos/payments": {
        post: op("payWithMyCode", "pos", "Pay with the customer's My Code (Offline API v2)", ["pos"], {
          requestBody: jsonBody("PosPayRequest"),
          responses: { "200": ok("CAPTURED or AUTHORIZED", "Order", orders("pos")), ...unknownOrder, ...writeErrors },
        }),
      },
      "/v1/preapproved/{regKeyToken}/payments": {
        post: op("payWithRegKey", "preapproved", "Pay on a stored regKey", ["payments"], {
          parameters: [token],
          requestBody: jsonBody("PreapprovedPayRequest"),
          responses: {
            "200": ok("CAPTURED or AUTHORIZED", "Order", {
              captured: {
                ...ORDER_EXAMPLES.captured,
                value: { ...ORDER_EXAMPLES.captured.value, kind: "preapproved" },
              },
            }),
            ...unknownOrder,
            ...writeErrors,
          },
        }),
      },
      "/v1/preapproved/{regKeyToken}": {
        get: op("checkRegKey", "preapproved", "LINE Pay's check of the regKey", ["payments"], {
          parameters: [token],
          responses: { "200": ok("ACTIVE or EXPIRED", "RegKeyStatus", REGKEY_EXAMPLES), ...writeErrors },
        }),
        delete: op("expireRegKey", "preapproved", "Expire the regKey at LINE Pay and forget the token", ["payments"], {
          parameters: [token],
          responses: {
            "200": ok("EXPIRED", "RegKeyStatus", { expired: REGKEY_EXAMPLES.expired }),
            ...writeErrors,
          },
        }),
      },
      "/v1/deposits": {
        post: op("createDeposit", "deposits", "Send a Partner Deposit", ["deposits"], {
          requestBody: jsonBody("DepositRequest"),
          responses: {
            "200": ok("COMPLETED", "Deposit", { completed: DEPOSIT_EXAMPLES.completed }),
            ...unknownDeposit,
            ...writeErrors,
          },
        }),
      },
      "/v1/deposits/{depositId}": {
        get: op("getDeposit", "deposits", "The deposit and its events", ["deposits"], {
          parameters: [depositId],
          responses: { "200": ok("the deposit", "Deposit", DEPOSIT_EXAMPLES), ...readErrors },
        }),
      },
      "/v1/webhooks/deposits": {
        post: {
          operationId: "depositWebhook",
          tags: ["deposits"],
          summary: "A signed deposit trigger; depositId defaults to webhook-id, so a redelivery deposits once",
          security: [{ webhookSignature: [] }],
          requestBody: jsonBody("DepositWebhook"),
          responses: webhookResponses,
        },
      },
      "/v1/webhooks/deposits/{merchantId}": {
        post: {
          operationId: "merchantDepositWebhook",
          tags: ["deposits"],
          summary:
            "A signed deposit trigger for one merchant, under its depositWebhookSecret; an unknown merchantId answers as a bad signature",
          security: [{ webhookSignature: [] }],
          parameters: [webhookMerchantId],
          requestBody: jsonBody("DepositWebhook"),
          responses: { ...webhookResponses, "403": use("MerchantDisabled") },
        },
      },
      "/v1/merchants/{merchantId}": {
        put: op("putMerchant", "merchants", "Register or replace a merchant (secrets left out are kept)", ["admin"], {
          parameters: [merchantId],
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("MerchantRequest"), examples: MERCHANT_REQUEST_EXAMPLES } },
          },
          responses: {
            "200": ok("updated (and ACTIVE again if it was disabled)", "Merchant", {
              updated: MERCHANT_EXAMPLES.updated,
            }),
            "201": ok("registered", "Merchant", { registered: MERCHANT_EXAMPLES.registered }),
            ...adminErrors,
          },
        }),
        get: op("getMerchant", "merchants", "A merchant's record, without its secrets", ["admin"], {
          parameters: [merchantId],
          responses: {
            "200": ok("the merchant", "Merchant", MERCHANT_EXAMPLES),
            ...adminErrors,
            "404": use("MerchantNotFound"),
          },
        }),
        delete: op(
          "disableMerchant",
          "merchants",
          "Disable a merchant: no new payments or deposits; its existing orders go on",
          ["admin"],
          {
            parameters: [merchantId],
            responses: {
              "200": ok("DISABLED", "MerchantDisabled", {
                disabled: {
                  summary: "Disabled",
                  value: { merchantId: "tea-house-taipei", status: "DISABLED" },
                },
              }),
              ...adminErrors,
              "404": use("MerchantNotFound"),
            },
          },
        ),
      },
    },
  };
}
