/**
 * Good input on every route gets through the edge to exactly one object, named by the id the
 * contract says (URL-decoded once), with trapped bindings standing in for the objects.
 */
import { describe, expect, it } from "vitest";
import { sendTrapped, type Sent } from "../support/gateway";
import { TOKEN, deposit, pos, reserve } from "../support/bodies";

describe("good input", () => {
  it.each<[string, string, Sent]>([
    ["a JPY reserve", "/v1/payments", { body: reserve() }],
    ["a USD reserve of 19.99", "/v1/payments", { body: reserve(19.99, "USD") }],
    [
      "a THB reserve with user fees, shipping and two products",
      "/v1/payments",
      {
        body: reserve(131.1, "THB", {
          packages: [{ id: "p", amount: 120.3, userFee: 0.8, products: [{ name: "a", quantity: 3, price: 40.1 }] }],
          options: {
            payment: { capture: false, payType: "NORMAL" },
            shipping: { type: "FIXED_ADDRESS", feeAmount: 10 },
          },
        }),
      },
    ],
    [
      "a reserve with charset in Content-Type",
      "/v1/payments",
      { body: reserve(), headers: { "Content-Type": "application/json; charset=utf-8" } },
    ],
    ["an orderId with a space, percent-encoded", "/v1/payments/order%20with%20spaces", {}],
    [
      "an orderId with a slash, percent-encoded",
      "/v1/payments/a%2Fb/confirm",
      { body: { amount: 100, currency: "JPY" } },
    ],
    ["a void with no body", "/v1/payments/o-1/void", { method: "POST" }],
    ["a void with {}", "/v1/payments/o-1/void", { body: {} }],
    [
      "a full refund with no body",
      "/v1/payments/o-1/refund",
      { method: "POST", headers: { "Idempotency-Key": "r-1" } },
    ],
    ["a 12-digit POS key", "/v1/pos/payments", { body: pos() }],
    ["an 18-digit POS key", "/v1/pos/payments", { body: pos({ oneTimeKey: "1".repeat(18), currency: "TWD" }) }],
    [
      "a 19-digit POS key with extras",
      "/v1/pos/payments",
      { body: pos({ oneTimeKey: "1".repeat(19), extras: { branchName: "Shibuya" } }) },
    ],
    [
      "a deposit with phoneLast4 and message",
      "/v1/deposits",
      { body: deposit({ phoneLast4: "1234", message: "Thanks" }) },
    ],
    [
      "a preapproved payment",
      `/v1/preapproved/${TOKEN}/payments`,
      { body: { productName: "Plan", amount: 100, currency: "JPY", orderId: "o-1" } },
    ],
  ])("lets %s through to its object", async (_name, path, sent) => {
    const res = await sendTrapped(path, sent);
    expect(res.status).toBe(299);
    expect(res.touched).toHaveLength(1);
  });

  it("names the order object by the orderId, URL-decoded once", async () => {
    const res = await sendTrapped("/v1/payments/a%2520b", {});
    expect(res.touched).toEqual(["ORDERS:order:a%20b"]);
  });

  it("names the deposit object by depositId, apart from orders", async () => {
    const body = deposit({ depositId: "same-id" });
    const res = await sendTrapped("/v1/deposits", { body });
    expect(res.touched).toEqual(["ORDERS:deposit:same-id"]);
  });
});
