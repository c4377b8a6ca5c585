/**
 * Examples for the OpenAPI document (openapi.ts): one or more for every request body and every
 * answer. Values are the live currencies (TWD, THB; Partner Deposit stays JPY), URLs are the
 * demo shop's under `npm start`, ids are made up. Redocly's linter checks each against its
 * schema (`npm run lint:openapi`).
 */
import { PROBLEM_CODES, PROBLEM_TYPE_BASE, type ProblemCode } from "../model/problem";
import type { Json } from "./openapi-components";

export interface Example {
  summary: string;
  value: unknown;
}

const TX = "2026112300000000001";
const AT = "2026-11-23T09:30:00.000Z";
const at = (s: number) => new Date(Date.parse(AT) + s * 1000).toISOString();

const products = [{ id: "oolong-100g", name: "Alishan oolong, 100 g", quantity: 2, price: 250 }];

export const REQUEST_EXAMPLES: Record<string, Record<string, Example>> = {
  ReserveRequest: {
    checkout: {
      summary: "A storefront checkout in TWD",
      value: {
        amount: 500,
        currency: "TWD",
        orderId: "shop-1001",
        packages: [{ id: "pkg-1", amount: 500, name: "Tea House", products }],
        redirectUrls: { confirmUrl: "http://127.0.0.1:8789/confirm", cancelUrl: "http://127.0.0.1:8789/cancel" },
      },
    },
    authorizeOnly: {
      summary: "Authorize now, capture later (THB, two decimals allowed)",
      value: {
        amount: 120.5,
        currency: "THB",
        orderId: "shop-1002",
        packages: [
          { id: "pkg-1", amount: 120.5, products: [{ name: "Jasmine tea, 50 g", quantity: 1, price: 120.5 }] },
        ],
        redirectUrls: { confirmUrl: "http://127.0.0.1:8789/confirm", cancelUrl: "http://127.0.0.1:8789/cancel" },
        options: { payment: { capture: false } },
      },
    },
    subscription: {
      summary: "Register a regKey for later payments (PREAPPROVED)",
      value: {
        amount: 99,
        currency: "TWD",
        orderId: "sub-2026-11",
        packages: [{ id: "plan", amount: 99, products: [{ name: "Monthly plan", quantity: 1, price: 99 }] }],
        redirectUrls: { confirmUrl: "http://127.0.0.1:8789/confirm", cancelUrl: "http://127.0.0.1:8789/cancel" },
        options: { payment: { payType: "PREAPPROVED" } },
      },
    },
  },
  Money: { money: { summary: "The reserved amount and currency again", value: { amount: 500, currency: "TWD" } } },
  RefundRequest: {
    partial: { summary: "Refund part", value: { refundAmount: 150 } },
    all: { summary: "Refund all that remains", value: {} },
  },
  PosPayRequest: {
    till: {
      summary: "A till charges the customer's My Code",
      value: {
        productName: "Coffee",
        amount: 85,
        currency: "TWD",
        orderId: "till7-0001",
        oneTimeKey: "123456789012345678",
      },
    },
  },
  PreapprovedPayRequest: {
    monthly: {
      summary: "This month's payment on a stored regKey",
      value: { productName: "Monthly plan", amount: 99, currency: "TWD", orderId: "sub-2026-12" },
    },
  },
  DepositRequest: {
    reward: {
      summary: "A payout to a LINE Pay account (JPY only)",
      value: { depositId: "reward-42", linePayNumber: "09012345678", amount: 3000, currency: "JPY" },
    },
  },
  DepositWebhook: {
    requested: {
      summary: "deposit.requested; the deposit id defaults to webhook-id",
      value: { type: "deposit.requested", data: { linePayNumber: "09012345678", amount: 500, currency: "JPY" } },
    },
  },
};

const order = (extra: Json) => ({
  orderId: "shop-1001",
  kind: "online",
  amount: 500,
  currency: "TWD",
  transactionId: TX,
  refundedAmount: 0,
  ...extra,
});
const paid = { payInfo: [{ method: "CREDIT_CARD", amount: 500 }] };
const event = (s: number, operation: string, outcome: string, extra: Json = {}) => ({
  at: at(s),
  operation,
  outcome,
  ...extra,
});

const ORDERS = {
  reserved: {
    summary: "Reserved: send the customer to paymentUrl.web",
    value: order({
      state: "RESERVED",
      paymentUrl: { web: `http://127.0.0.1:8788/payment/${TX}`, app: "line://pay/payment/abc123" },
    }),
  },
  captured: { summary: "Paid", value: order({ state: "CAPTURED", ...paid }) },
  authorized: {
    summary: "Authorized, to capture or void later",
    value: order({ state: "AUTHORIZED", ...paid, authorizationExpireDate: "2026-12-23T09:30:00Z" }),
  },
  preapproved: {
    summary: "A PREAPPROVED confirm: the token to pay with later",
    value: order({
      orderId: "sub-2026-11",
      state: "CAPTURED",
      amount: 99,
      payInfo: [{ method: "CREDIT_CARD", amount: 99 }],
      regKeyToken: `rk_${"Q".repeat(43)}`,
    }),
  },
  voided: { summary: "Voided", value: order({ state: "VOIDED", ...paid }) },
  partiallyRefunded: {
    summary: "Part refunded",
    value: order({ state: "PARTIALLY_REFUNDED", ...paid, refundedAmount: 150 }),
  },
  refunded: { summary: "All refunded", value: order({ state: "REFUNDED", ...paid, refundedAmount: 500 }) },
  pos: {
    summary: "A POS payment",
    value: order({
      orderId: "till7-0001",
      kind: "pos",
      state: "CAPTURED",
      amount: 85,
      payInfo: [{ method: "BALANCE", amount: 85 }],
    }),
  },
  withEvents: {
    summary: "An order and its journal",
    value: order({
      state: "PARTIALLY_REFUNDED",
      ...paid,
      refundedAmount: 150,
      events: [
        event(0, "reserve", "reserved"),
        event(41, "confirm", "captured"),
        event(300, "refund", "refunded", { detail: "150 TWD" }),
      ],
    }),
  },
  unknown: {
    summary: "LINE Pay's answer was lost: recovery is running",
    value: {
      orderId: "till7-0002",
      kind: "pos",
      state: "UNKNOWN",
      amount: 85,
      currency: "TWD",
      refundedAmount: 0,
      events: [event(0, "posPay", "answer_lost", { detail: "no complete answer within 45000 ms" })],
    },
  },
} satisfies Record<string, Example>;

export const ORDER_EXAMPLES = ORDERS;

const deposit = (extra: Json) => ({ depositId: "reward-42", amount: 3000, currency: "JPY", ...extra });
export const DEPOSIT_EXAMPLES = {
  completed: {
    summary: "Sent",
    value: deposit({ state: "COMPLETED", transactionId: TX, fee: 0, linePayNumber: "09012345678" }),
  },
  unknown: {
    summary: "The answer was lost: the gateway sends the same request again until LINE Pay tells",
    value: deposit({ state: "UNKNOWN", fee: null, linePayNumber: "09012345678" }),
  },
} satisfies Record<string, Example>;

/** Example secrets are placeholders of the right shape, never real ones. */
const WHSEC = `whsec_${"A".repeat(43)}=`;
const merchant = (extra: Json) => ({
  merchantId: "tea-house-taipei",
  channelId: "1650000000",
  offlineVersion: "v2",
  status: "ACTIVE",
  createdAt: AT,
  updatedAt: AT,
  ...extra,
});
export const MERCHANT_REQUEST_EXAMPLES = {
  register: {
    summary: "Register a shop with its LINE Pay channel and its webhooks",
    value: {
      channelId: "1650000000",
      channelSecret: "0123456789abcdef0123456789abcdef",
      deviceProfileId: "till-1",
      offlineVersion: "v4",
      eventsWebhookUrl: "https://tea-house.example/linepay/events",
      eventsWebhookSecret: WHSEC,
      depositWebhookSecret: WHSEC,
    },
  },
  changeUrl: {
    summary: "Change the events URL: secrets left out are kept",
    value: { channelId: "1650000000", eventsWebhookUrl: "https://tea-house.example/v2/events" },
  },
} satisfies Record<string, Example>;
export const MERCHANT_EXAMPLES = {
  registered: {
    summary: "A registered merchant (never a secret)",
    value: merchant({
      deviceProfileId: "till-1",
      offlineVersion: "v4",
      eventsWebhookUrl: "https://tea-house.example/linepay/events",
    }),
  },
  updated: {
    summary: "Updated: createdAt stays",
    value: merchant({ eventsWebhookUrl: "https://tea-house.example/v2/events", updatedAt: at(3600) }),
  },
  disabled: { summary: "Disabled by DELETE", value: merchant({ status: "DISABLED", updatedAt: at(7200) }) },
} satisfies Record<string, Example>;

export const REGKEY_EXAMPLES = {
  active: { summary: "Usable", value: { status: "ACTIVE" } },
  expired: { summary: "Expired", value: { status: "EXPIRED" } },
} satisfies Record<string, Example>;

const PROBLEM_DETAILS: Record<ProblemCode, Json> = {
  invalid_request: {
    detail: "the request has 1 invalid field",
    errors: [{ path: "packages[0].amount", message: "must equal the sum of products[].price × quantity" }],
  },
  unauthorized: { detail: "the token has expired" },
  forbidden: { detail: "this route needs the scope payments" },
  not_found: { detail: "no such order", orderId: "shop-1001" },
  invalid_state: { detail: "confirm is not allowed in state VOIDED", orderId: "shop-1001" },
  in_progress: { detail: "a capture of this order is still being settled; ask again", orderId: "shop-1001" },
  idempotency_mismatch: {
    detail: "orderId shop-1001 was used with other parameters",
    orderId: "shop-1001",
  },
  payment_declined: {
    detail: "LINE Pay declined the payment",
    returnCode: "1110",
    returnMessage: "Unavailable card",
    orderId: "shop-1001",
  },
  amount_mismatch: { detail: "LINE Pay paid 450 of 500 TWD; it was refunded", orderId: "shop-1001" },
  upstream_error: {
    detail: "LINE Pay refused the request",
    returnCode: "1150",
    returnMessage: "Transaction record not found.",
  },
  upstream_unavailable: { detail: "LINE Pay could not be reached; nothing was sent" },
  method_not_allowed: { detail: "PUT is not allowed here; use POST" },
  configuration_error: { detail: "missing configuration: LINEPAY_CHANNEL_SECRET" },
  internal_error: { detail: "the gateway failed unexpectedly" },
};

/** A problem+json example per code, as the gateway writes it. */
export function problemExample(code: ProblemCode): Example {
  const { status, title } = PROBLEM_CODES[code];
  return {
    summary: code,
    value: { type: PROBLEM_TYPE_BASE + code.replaceAll("_", "-"), title, status, code, ...PROBLEM_DETAILS[code] },
  };
}

export const HEALTH_EXAMPLES = {
  ok: { summary: "Ready to serve", value: { ok: true, version: "0.1.0" } },
  broken: {
    summary: "Settings missing or invalid: each is named, none is shown",
    value: {
      ok: false,
      problems: ["LINEPAY_CHANNEL_SECRET is missing", "REGKEY_KEYS is not valid JSON"],
    },
  },
} satisfies Record<string, Example>;
