/**
 * The reusable parts of the OpenAPI document (openapi.ts, built ahead of time): request schemas
 * converted from the valibot validators, and the response shapes of model/order.ts and
 * model/problem.ts.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { CURRENCIES } from "../model/money";
import { DEPOSIT_STATES, ORDER_STATES } from "../model/order";
import { PROBLEM_CODES } from "../model/problem";
import { OFFLINE_VERSIONS } from "../model/merchant";
import { MerchantSchema } from "./validation/merchant";
import {
  DepositSchema,
  DepositWebhookSchema,
  MoneySchema,
  PosPaySchema,
  PreapprovedPaySchema,
  RefundSchema,
  ReserveSchema,
} from "./validation/schemas";

export type Json = Record<string, unknown>;

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const AMOUNT_RULES =
  "Amounts are positive; integers for JPY and TWD, at most two decimals for THB and USD " +
  "(as written: 0.30000000000000004 is refused, not rounded).";

export function jsonSchema(schema: v.GenericSchema): Json {
  // Object-level checks (currency decimals, sums) have no JSON Schema form: they are described in text.
  const { $schema: _drop, ...rest } = toJsonSchema(schema, {
    target: "draft-2020-12",
    typeMode: "input",
    errorMode: "ignore",
  }) as Json;
  return rest;
}

export function components(): Json {
  const event = {
    type: "object",
    properties: {
      at: { type: "string", format: "date-time" },
      operation: { type: "string" },
      outcome: { type: "string" },
      returnCode: { type: "string" },
      detail: { type: "string" },
    },
  };
  const order = {
    type: "object",
    required: ["orderId", "kind", "state", "amount", "currency", "refundedAmount"],
    properties: {
      orderId: { type: "string" },
      kind: { enum: ["online", "pos", "preapproved"] },
      state: { enum: [...ORDER_STATES] },
      amount: { type: "number" },
      currency: { enum: [...CURRENCIES] },
      transactionId: { type: "string", pattern: "^\\d+$", description: "LINE Pay's 19-digit id, as a string" },
      payInfo: {
        type: "array",
        items: { type: "object", properties: { method: { type: "string" }, amount: { type: "number" } } },
      },
      refundedAmount: { type: "number" },
      paymentUrl: { type: "object", properties: { web: { type: "string" }, app: { type: "string" } } },
      regKeyToken: { type: "string", description: "confirm of a PREAPPROVED reservation only" },
      authorizationExpireDate: { type: "string" },
      authenticatedAt: {
        type: "string",
        format: "date-time",
        description: "when LINE Pay first reported the customer's approval",
      },
      autoConfirm: { type: "boolean", description: "the gateway confirms by itself once the customer approves" },
      paymentProvider: { type: "string", description: "Online API v4 only: the provider that processed the payment" },
      events: { type: "array", items: ref("Event") },
    },
  };
  const deposit = {
    type: "object",
    required: ["depositId", "state", "amount", "currency"],
    properties: {
      depositId: { type: "string" },
      state: { enum: [...DEPOSIT_STATES] },
      transactionId: { type: "string", pattern: "^\\d+$" },
      amount: { type: "integer" },
      currency: { const: "JPY" },
      fee: { type: ["integer", "null"] },
      linePayNumber: { type: "string", pattern: "^\\d{11}$" },
      events: { type: "array", items: ref("Event") },
    },
  };
  const problemSchema = {
    type: "object",
    description: "RFC 9457 problem details",
    required: ["type", "title", "status", "detail", "code"],
    properties: {
      type: { type: "string", format: "uri" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
      code: { enum: Object.keys(PROBLEM_CODES) },
      returnCode: { type: "string", description: "LINE Pay's returnCode, where LINE Pay answered" },
      returnMessage: { type: "string" },
      orderId: { type: "string" },
      depositId: { type: "string" },
      errors: {
        type: "array",
        description: "invalid_request only: one entry per field; `path` like packages[0].amount, empty for the body",
        items: {
          type: "object",
          required: ["path", "message"],
          properties: { path: { type: "string" }, message: { type: "string" } },
        },
      },
    },
  };
  return {
    securitySchemes: {
      bearer: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT",
        description:
          "`scope`: payments, pos, deposits, or admin (merchants only); an optional `merchant` claim names the merchant the caller acts for",
      },
      webhookSignature: {
        type: "apiKey",
        in: "header",
        name: "webhook-signature",
        description: "Standard Webhooks: webhook-id, webhook-timestamp (within 5 minutes), webhook-signature",
      },
    },
    schemas: {
      ReserveRequest: { ...jsonSchema(ReserveSchema), description: AMOUNT_RULES },
      Money: { ...jsonSchema(MoneySchema), description: AMOUNT_RULES },
      RefundRequest: jsonSchema(RefundSchema),
      PosPayRequest: jsonSchema(PosPaySchema),
      PreapprovedPayRequest: jsonSchema(PreapprovedPaySchema),
      DepositRequest: jsonSchema(DepositSchema),
      DepositWebhook: jsonSchema(DepositWebhookSchema),
      MerchantRequest: {
        ...jsonSchema(MerchantSchema),
        description:
          "The whole record. channelSecret is required on the first PUT and when channelId changes; a secret left out keeps the stored one, null removes an optional one. eventsWebhookUrl needs an eventsWebhookSecret (given or stored). Secrets are whsec_ and the base64 of 16 to 64 bytes; depositWebhookSecret may list up to 4, space-separated.",
      },
      Merchant: {
        type: "object",
        description: "A registered merchant; never a secret",
        required: ["merchantId", "channelId", "offlineVersion", "status", "createdAt", "updatedAt"],
        properties: {
          merchantId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
          channelId: { type: "string", pattern: "^\\d{10}$" },
          deviceProfileId: { type: "string" },
          offlineVersion: { enum: [...OFFLINE_VERSIONS] },
          eventsWebhookUrl: { type: "string", format: "uri" },
          status: { enum: ["ACTIVE", "DISABLED"] },
          createdAt: { type: "string", format: "date-time" },
          updatedAt: { type: "string", format: "date-time" },
        },
      },
      MerchantDisabled: {
        type: "object",
        required: ["merchantId", "status"],
        properties: { merchantId: { type: "string" }, status: { const: "DISABLED" } },
      },
      Order: order,
      Deposit: deposit,
      Event: event,
      RegKeyStatus: { type: "object", properties: { status: { enum: ["ACTIVE", "EXPIRED"] } } },
      Health: {
        type: "object",
        required: ["ok"],
        properties: {
          ok: { type: "boolean" },
          version: { type: "string", description: "the gateway's package version (ok: true)" },
          problems: {
            type: "array",
            description: "ok: false: one line per missing or invalid setting, naming it, never its value",
            items: { type: "string" },
          },
        },
      },
      Problem: problemSchema,
    },
  };
}
