/**
 * Bad input on every route: 400 `invalid_request` problem+json with an `errors` list naming the
 * field, and nothing reaches a Durable Object (checked with trapped bindings). Each case also
 * goes through the deployed Worker's fetch, so the answer is the one callers get.
 */
import { describe, expect, it } from "vitest";
import { send, sendTrapped, type Sent } from "../support/gateway";
import { TOKEN, deposit, pos, reserve } from "../support/bodies";

/** [name, path, request, the error path expected in `errors`] */
type Case = [string, string, Sent, string];

const cases: Case[] = [
  ["malformed JSON", "/v1/payments", { raw: '{"amount": 1000,', headers: { "Content-Type": "application/json" } }, ""],
  ["an array body", "/v1/payments", { body: [1, 2, 3] }, ""],
  ["an empty body", "/v1/payments", { raw: "", method: "POST" }, ""],
  [
    "a text/plain body",
    "/v1/payments",
    { raw: JSON.stringify(reserve()), headers: { "Content-Type": "text/plain" } },
    "Content-Type",
  ],
  [
    "invalid UTF-8",
    "/v1/payments",
    { raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), headers: { "Content-Type": "application/json" } },
    "",
  ],
  ["a string amount", "/v1/payments", { body: { ...reserve(), amount: "1000" } }, "amount"],
  ["a negative amount", "/v1/payments", { body: reserve(-1000) }, "amount"],
  ["a zero amount", "/v1/payments", { body: reserve(0) }, "amount"],
  [
    "an amount of 1e999 (Infinity)",
    "/v1/payments",
    {
      raw: JSON.stringify(reserve()).replace('"amount":1000,"currency"', '"amount":1e999,"currency"'),
      headers: { "Content-Type": "application/json" },
    },
    "amount",
  ],
  ["three decimals in USD", "/v1/payments", { body: reserve(10.005, "USD") }, "amount"],
  ["0.1 + 0.2 in USD", "/v1/payments", { body: reserve(0.1 + 0.2, "USD") }, "amount"],
  ["1.5 JPY", "/v1/payments", { body: reserve(1.5, "JPY") }, "amount"],
  ["an unknown currency", "/v1/payments", { body: reserve(1000, "EUR") }, "currency"],
  ["a 101-character orderId", "/v1/payments", { body: { ...reserve(), orderId: "o".repeat(101) } }, "orderId"],
  ["a non-ASCII orderId", "/v1/payments", { body: { ...reserve(), orderId: "注文-1" } }, "orderId"],
  ["an amount that is not the packages' sum", "/v1/payments", { body: { ...reserve(), amount: 999 } }, "amount"],
  [
    "a package that is not its products' sum",
    "/v1/payments",
    {
      body: reserve(1000, "JPY", {
        packages: [{ id: "p", amount: 1000, products: [{ name: "x", quantity: 3, price: 300 }] }],
      }),
    },
    "packages[0].amount",
  ],
  [
    "a product price with too many decimals",
    "/v1/payments",
    {
      body: reserve(2, "JPY", {
        packages: [{ id: "p", amount: 2, products: [{ name: "x", quantity: 4, price: 0.5 }] }],
      }),
    },
    "packages[0].products[0].price",
  ],
  [
    "a fractional quantity",
    "/v1/payments",
    {
      body: reserve(1000, "JPY", {
        packages: [{ id: "p", amount: 1000, products: [{ name: "x", quantity: 0.5, price: 2000 }] }],
      }),
    },
    "packages[0].products[0].quantity",
  ],
  ["no packages", "/v1/payments", { body: { ...reserve(), packages: [] } }, "packages"],
  [
    "a javascript: confirmUrl",
    "/v1/payments",
    { body: { ...reserve(), redirectUrls: { confirmUrl: "javascript:alert(1)", cancelUrl: "https://a.example" } } },
    "redirectUrls.confirmUrl",
  ],
  ["an unknown field", "/v1/payments", { body: { ...reserve(), surprise: true } }, "surprise"],
  [
    "a misspelt option type",
    "/v1/payments",
    { body: reserve(1000, "JPY", { options: { payment: { capture: "false" } } }) },
    "options.payment.capture",
  ],
  [
    "oversized options",
    "/v1/payments",
    { body: reserve(1000, "JPY", { options: { blob: "x".repeat(9000) } }) },
    "options",
  ],
  ["a string amount on confirm", "/v1/payments/o-1/confirm", { body: { amount: "100", currency: "JPY" } }, "amount"],
  [
    "an extra field on confirm",
    "/v1/payments/o-1/confirm",
    { body: { amount: 100, currency: "JPY", transactionId: "1" } },
    "transactionId",
  ],
  ["1.5 JPY on capture", "/v1/payments/o-1/capture", { body: { amount: 1.5, currency: "JPY" } }, "amount"],
  ["a missing currency on capture", "/v1/payments/o-1/capture", { body: { amount: 100 } }, "currency"],
  ["a body on void", "/v1/payments/o-1/void", { body: { amount: 100 } }, "amount"],
  ["a refund without Idempotency-Key", "/v1/payments/o-1/refund", { body: { refundAmount: 10 } }, "Idempotency-Key"],
  [
    "a 256-character Idempotency-Key",
    "/v1/payments/o-1/refund",
    { body: {}, headers: { "Idempotency-Key": "k".repeat(256) } },
    "Idempotency-Key",
  ],
  [
    "a negative refundAmount",
    "/v1/payments/o-1/refund",
    { body: { refundAmount: -5 }, headers: { "Idempotency-Key": "r1" } },
    "refundAmount",
  ],
  [
    "a three-decimal refundAmount",
    "/v1/payments/o-1/refund",
    { body: { refundAmount: 1.234 }, headers: { "Idempotency-Key": "r1" } },
    "refundAmount",
  ],
  ["a 101-character orderId in the path", `/v1/payments/${"o".repeat(101)}`, {}, "orderId"],
  ["a bad percent-escape in the path", "/v1/payments/%E0%A4%A", {}, "orderId"],
  ["a non-ASCII orderId in the path", "/v1/payments/%E6%B3%A8", {}, "orderId"],
  ["a oneTimeKey with a letter", "/v1/pos/payments", { body: pos({ oneTimeKey: "12345678901a" }) }, "oneTimeKey"],
  ["a 13-digit oneTimeKey", "/v1/pos/payments", { body: pos({ oneTimeKey: "1234567890123" }) }, "oneTimeKey"],
  ["a numeric oneTimeKey", "/v1/pos/payments", { body: pos({ oneTimeKey: 123456789012 }) }, "oneTimeKey"],
  [
    "a POS productName over 4000 characters",
    "/v1/pos/payments",
    { body: pos({ productName: "p".repeat(4001) }) },
    "productName",
  ],
  ["oversized POS extras", "/v1/pos/payments", { body: pos({ extras: { note: "x".repeat(5000) } }) }, "extras"],
  ["a 10-digit linePayNumber", "/v1/deposits", { body: deposit({ linePayNumber: "0123456789" }) }, "linePayNumber"],
  ["phoneLast4 12a4", "/v1/deposits", { body: deposit({ phoneLast4: "12a4" }) }, "phoneLast4"],
  ["a 101-character message", "/v1/deposits", { body: deposit({ message: "m".repeat(101) }) }, "message"],
  ["a USD deposit", "/v1/deposits", { body: deposit({ currency: "USD" }) }, "currency"],
  ["a fractional deposit", "/v1/deposits", { body: deposit({ amount: 1.5 }) }, "amount"],
  ["a missing depositId", "/v1/deposits", { body: deposit({ depositId: undefined }) }, "depositId"],
  ["a 101-character depositId in the path", `/v1/deposits/${"d".repeat(101)}`, {}, "depositId"],
  [
    "a preapproved payment without orderId",
    `/v1/preapproved/${TOKEN}/payments`,
    { body: { productName: "Plan", amount: 100, currency: "JPY" } },
    "orderId",
  ],
  [
    "a preapproved payment with 1.5 JPY",
    `/v1/preapproved/${TOKEN}/payments`,
    { body: { productName: "Plan", amount: 1.5, currency: "JPY", orderId: "o-1" } },
    "amount",
  ],
];

describe("bad input", () => {
  it.each(cases)("refuses %s with 400 and a field error, reaching no object", async (_name, path, sent, field) => {
    const trapped = await sendTrapped(path, sent);
    expect(trapped.touched).toEqual([]);
    const res = await send(path, sent);
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.body).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: 400,
      code: "invalid_request",
    });
    expect(res.body.detail).toEqual(expect.any(String));
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    for (const e of res.body.errors) expect(e.message).toEqual(expect.any(String));
  });

  it("never repeats a one-time key or LINE Pay number back in an error", async () => {
    const key = "98765432109x";
    const res = await send("/v1/pos/payments", { body: pos({ oneTimeKey: key }) });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(key);
    const dep = await send("/v1/deposits", { body: deposit({ linePayNumber: "0901234567" }) });
    expect(dep.status).toBe(400);
    expect(dep.text).not.toContain("0901234567");
  });

  it("refuses a body over 64 KiB by its Content-Length", async () => {
    const body = reserve();
    body.packages[0].name = "n".repeat(70_000);
    const res = await sendTrapped("/v1/payments", { body });
    expect(res.status).toBe(400);
    expect(res.touched).toEqual([]);
  });

  it("refuses a streamed body over 64 KiB that declares no length", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await send("/v1/payments", {
      raw: stream,
      method: "POST",
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_request");
    expect(sent).toBeLessThanOrEqual(6);
  });

  it("refuses a malformed regKey token as unknown (404) without reaching an object", async () => {
    const res = await sendTrapped("/v1/preapproved/rk_short/payments", {
      body: { productName: "Plan", amount: 100, currency: "JPY", orderId: "o-1" },
    });
    expect(res.status).toBe(404);
    expect(res.touched).toEqual([]);
  });
});
