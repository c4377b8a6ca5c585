/**
 * Bad input on the online routes: 400 problem+json, no upstream call, and nothing stored
 * changes (the order and its journal read the same before and after).
 */
import { describe, expect, it } from "vitest";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";

type Mutation = (body: Record<string, any>) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

const reserveCases: [string, Mutation][] = [
  ["a string amount", (b) => ({ ...b, amount: "1000" })],
  ["a negative amount", (b) => ({ ...b, amount: -1000 })],
  ["a fractional JPY amount", (b) => ({ ...b, amount: 1000.5 })],
  [
    "three decimals in USD",
    (b) => ({
      ...b,
      currency: "USD",
      amount: 10.005,
      packages: [{ ...b.packages[0], amount: 10.005, products: [{ name: "x", quantity: 1, price: 10.005 }] }],
    }),
  ],
  ["an unknown currency", (b) => ({ ...b, currency: "EUR" })],
  ["a 101-character orderId", (b) => ({ ...b, orderId: "o".repeat(101) })],
  ["a non-ASCII orderId", (b) => ({ ...b, orderId: "注文-1" })],
  ["packages that do not add up", (b) => ({ ...b, amount: 999 })],
  ["no packages", (b) => ({ ...b, packages: [] })],
  [
    "a javascript: confirmUrl",
    (b) => ({ ...b, redirectUrls: { ...b.redirectUrls, confirmUrl: "javascript:alert(1)" } }),
  ],
  ["an unknown field", (b) => ({ ...b, surprise: true })],
  ["an array body", () => [1, 2, 3]],
];

describe("bad input on the online routes", () => {
  it.each(reserveCases)("refuses a reserve with %s: 400, no upstream call, nothing stored", async (_name, mutate) => {
    const orderId = uniqueId();
    const res = await call("POST", "/v1/payments", { body: mutate(reserveBody(orderId)) });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({
      status: 400,
      code: "invalid_request",
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(Array.isArray(res.body.errors)).toBe(true);
    expect((await sandbox.calls({ orderId })).request ?? 0).toBe(0);
    expect((await call("GET", `/v1/payments/${orderId}`)).status).toBe(404);
  });

  it.each([
    ["malformed JSON", '{"amount": 10'],
    ["an empty body", ""],
    ["a JSON string", '"hello"'],
  ])("refuses %s with 400", async (_name, rawBody) => {
    const res = await call("POST", "/v1/payments", { rawBody });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_request");
  });

  it("refuses an oversized body with 400 before reading it all", async () => {
    const orderId = uniqueId();
    const body = reserveBody(orderId);
    body.packages[0]!.name = "n".repeat(70_000);
    const res = await call("POST", "/v1/payments", { body });
    expect(res.status).toBe(400);
    expect((await sandbox.calls({ orderId })).request ?? 0).toBe(0);
  });

  it("leaves an existing order and its journal unchanged after bad confirms and refunds", async () => {
    const orderId = uniqueId();
    const reserve = await call("POST", "/v1/payments", { body: reserveBody(orderId) });
    await sandbox.approve(reserve.body.transactionId);
    await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1000, currency: "JPY" } });
    const before = (await call("GET", `/v1/payments/${orderId}`)).text;
    const bad = [
      await call("POST", `/v1/payments/${orderId}/confirm`, { rawBody: "{" }),
      await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: "1000", currency: "JPY" } }),
      await call("POST", `/v1/payments/${orderId}/refund`, { body: { refundAmount: 10 } }),
      await call("POST", `/v1/payments/${orderId}/refund`, {
        body: { refundAmount: -5 },
        headers: { "Idempotency-Key": "k" },
      }),
      await call("POST", `/v1/payments/${orderId}/refund`, {
        body: { refundAmount: 10.5 },
        headers: { "Idempotency-Key": "k" },
      }),
      await call("POST", `/v1/payments/${orderId}/refund`, {
        body: { refundAmount: 5000 },
        headers: { "Idempotency-Key": "k" },
      }),
      await call("POST", `/v1/payments/${orderId}/capture`, { body: { amount: 1000, currency: "XXX" } }),
    ];
    for (const res of bad) expect(res.status).toBe(400);
    expect((await call("GET", `/v1/payments/${orderId}`)).text).toBe(before);
    expect((await sandbox.calls({ orderId })).refund ?? 0).toBe(0);
  });

  it("decodes orderIds in paths and refuses bad escapes", async () => {
    const res = await call("GET", "/v1/payments/%E0%A4%A");
    expect(res.status).toBe(400);
    const spaced = await call("GET", `/v1/payments/${encodeURIComponent("order with spaces")}`);
    expect(spaced.status).toBe(404);
  });
});
