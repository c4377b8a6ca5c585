/**
 * The sandbox's own behaviour, called as any LINE Pay client would: its signature check is
 * pinned by LINEPAY.md's vectors (computed with Node, Python and openssl), ids go out as bare
 * 19-digit numbers, and the refusals the gateway relies on come back as LINE Pay sends them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectedSignature } from "../../sandbox/auth";

const SECRET = "0123456789abcdef0123456789abcdef";
const NONCE = "9f8a1c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b";
const BASE = "http://sandbox.linepay.test";

const VECTORS: [string, string, string][] = [
  [
    "/v3/payments/2021121600698709710/confirm",
    '{"amount":100,"currency":"TWD"}',
    "gxZn0kaYijXmlOVK3su/vSSZd6KUoaySiaqWmo6KpzM=",
  ],
  ["/v3/payments/authorizations/2021121600698709710/void", "{}", "renvmiKV3qoWHXzbaOqQZhqOCgI6JFeSJcAtj47JfiU="],
  ["/v3/payments/authorizations/2021121600698709710/void", "", "tqgU6n0ZDaFqig4R+H1D9E8GOiJ6jQDSn2nG0mkk1rs="],
  [
    "/v3/payments",
    "transactionId=2021121600698709710&orderId=ORDER-0001",
    "9/hOe2DFiHd1VEHQQcib6UvhJJywSGP6c2BXczD5IMM=",
  ],
  ["/v3/payments/requests/2021121600698709710/check", "", "j4hsK1411umbo7gbV5Mln4zMC5YKTHAJ4CgVpvxreng="],
  [
    "/v3/payments/preapprovedPay/RK9A2BA1942EQTO/payment",
    '{"productName":"測試商品","amount":100,"currency":"TWD","orderId":"ORDER-0002"}',
    "8/3wdv5G7ufhsbqhTLeSPzTcxmMOZoDkQqNXTBZM15k=",
  ],
];

async function signed(
  path: string,
  body: string,
  secret = env.LINEPAY_CHANNEL_SECRET,
  channelId = env.LINEPAY_CHANNEL_ID,
) {
  const nonce = crypto.randomUUID();
  return env.SANDBOX.fetch(`${BASE}${path}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-LINE-ChannelId": channelId,
      "X-LINE-Authorization-Nonce": nonce,
      "X-LINE-Authorization": await expectedSignature(secret, path, body, nonce),
    },
  });
}

const reserve = (orderId: string) =>
  JSON.stringify({
    amount: 100,
    currency: "JPY",
    orderId,
    packages: [{ id: "p", amount: 100, products: [{ name: "x", quantity: 1, price: 100 }] }],
    redirectUrls: { confirmUrl: "https://shop.example/c", cancelUrl: "https://shop.example/x" },
  });

describe("the LINE Pay sandbox", () => {
  it.each(VECTORS)("verifies LINEPAY.md's vector for %s", async (path, payload, signature) => {
    expect(await expectedSignature(SECRET, path, payload, NONCE)).toBe(signature);
  });

  it("refuses a wrong signature with 1104, an unknown channel with 1106 and junk JSON with 2102", async () => {
    const orderId = `sb-${crypto.randomUUID()}`;
    expect(
      await (await signed("/v3/payments/request", reserve(orderId), "wrong-secret-wrong-secret-000000")).json(),
    ).toMatchObject({ returnCode: "1104" });
    expect(
      await (await signed("/v3/payments/request", reserve(orderId), env.LINEPAY_CHANNEL_SECRET, "1")).json(),
    ).toMatchObject({ returnCode: "1106" });
    expect(await (await signed("/v3/payments/request", "{nope")).json()).toMatchObject({ returnCode: "2102" });
  });

  it("writes transactionIds as bare 19-digit JSON numbers and refuses a reused orderId with 1172", async () => {
    const orderId = `sb-${crypto.randomUUID()}`;
    const text = await (await signed("/v3/payments/request", reserve(orderId))).text();
    expect(text).toMatch(/"transactionId":\d{19}[,}]/);
    expect(await (await signed("/v3/payments/request", reserve(orderId))).json()).toMatchObject({ returnCode: "1172" });
  });

  it("drops an answer after processing when told to: the body read fails, the payment exists", async () => {
    const orderId = `sb-${crypto.randomUUID()}`;
    await env.SANDBOX.fetch(`${BASE}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ operation: "request", orderId, fault: { type: "drop" } }),
    });
    const res = await signed("/v3/payments/request", reserve(orderId));
    await expect(res.text()).rejects.toThrow();
    expect(await (await signed("/v3/payments/request", reserve(orderId))).json()).toMatchObject({ returnCode: "1172" });
  });

  it("serves a payment page whose Approve redirects 303 to confirmUrl with transactionId and orderId", async () => {
    const orderId = `sb-${crypto.randomUUID()}`;
    const answer = JSON.parse(
      (await (await signed("/v3/payments/request", reserve(orderId))).text()).replace(
        /"transactionId":(\d+)/,
        '"transactionId":"$1"',
      ),
    );
    const page = await env.SANDBOX.fetch(answer.info.paymentUrl.web);
    const html = await page.text();
    expect(html).toContain('id="approve"');
    expect(html).toContain('id="cancel"');
    const form = new FormData();
    form.set("action", "approve");
    const redirect = await env.SANDBOX.fetch(answer.info.paymentUrl.web, {
      method: "POST",
      body: form,
      redirect: "manual",
    });
    expect(redirect.status).toBe(303);
    const location = new URL(redirect.headers.get("Location")!);
    expect(location.origin + location.pathname).toBe("https://shop.example/c");
    expect(location.searchParams.get("transactionId")).toBe(answer.info.transactionId);
    expect(location.searchParams.get("orderId")).toBe(orderId);
  });
});
