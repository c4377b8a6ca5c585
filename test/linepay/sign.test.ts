import { describe, expect, it } from "vitest";
import { signV3, v2Headers, v3Headers } from "../../linepay/sign";
import { expectedSignature, SECRET } from "./fake-upstream";

const NONCE = "9f8a1c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b";

// LINEPAY.md's test vectors, computed with Node, Python and openssl.
const VECTORS = [
  {
    path: "/v3/payments/2021121600698709710/confirm",
    body: '{"amount":100,"currency":"TWD"}',
    sig: "gxZn0kaYijXmlOVK3su/vSSZd6KUoaySiaqWmo6KpzM=",
  },
  {
    path: "/v3/payments/authorizations/2021121600698709710/void",
    body: "{}",
    sig: "renvmiKV3qoWHXzbaOqQZhqOCgI6JFeSJcAtj47JfiU=",
  },
  {
    path: "/v3/payments/authorizations/2021121600698709710/void",
    body: "",
    sig: "tqgU6n0ZDaFqig4R+H1D9E8GOiJ6jQDSn2nG0mkk1rs=",
  },
  {
    path: "/v3/payments",
    query: "transactionId=2021121600698709710&orderId=ORDER-0001",
    sig: "9/hOe2DFiHd1VEHQQcib6UvhJJywSGP6c2BXczD5IMM=",
  },
  {
    path: "/v3/payments/requests/2021121600698709710/check",
    query: "",
    sig: "j4hsK1411umbo7gbV5Mln4zMC5YKTHAJ4CgVpvxreng=",
  },
  {
    path: "/v3/payments/preapprovedPay/RK9A2BA1942EQTO/payment",
    body: '{"productName":"測試商品","amount":100,"currency":"TWD","orderId":"ORDER-0002"}',
    sig: "8/3wdv5G7ufhsbqhTLeSPzTcxmMOZoDkQqNXTBZM15k=",
  },
];

describe("signV3", () => {
  it.each(VECTORS)("matches LINEPAY.md's vector for $path $body$query", async (v) => {
    expect(await signV3({ channelSecret: SECRET, path: v.path, body: v.body, query: v.query, nonce: NONCE })).toBe(
      v.sig,
    );
  });

  it("signs the empty string when given neither body nor query", async () => {
    const sig = await signV3({
      channelSecret: SECRET,
      path: "/v3/payments/requests/2021121600698709710/check",
      nonce: NONCE,
    });
    expect(sig).toBe("j4hsK1411umbo7gbV5Mln4zMC5YKTHAJ4CgVpvxreng=");
  });

  it("agrees with an HMAC computed independently, and keeps keys per secret apart", async () => {
    const other = "another-secret-of-some-length-000";
    for (const secret of [SECRET, other, SECRET]) {
      const sig = await signV3({ channelSecret: secret, path: "/v3/payments/request", body: '{"a":1}', nonce: "n" });
      expect(sig).toBe(await expectedSignature(secret, "/v3/payments/request", '{"a":1}', "n"));
    }
  });
});

describe("v3Headers", () => {
  it("carries channel, a fresh UUID nonce and the signature over that nonce", async () => {
    const input = { channelId: "1234567890", channelSecret: SECRET, path: "/v3/payments/request", body: '{"x":1}' };
    const a = await v3Headers(input);
    const b = await v3Headers(input);
    expect(a["Content-Type"]).toBe("application/json");
    expect(a["X-LINE-ChannelId"]).toBe("1234567890");
    expect(a["X-LINE-Authorization-Nonce"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(a["X-LINE-Authorization-Nonce"]).not.toBe(b["X-LINE-Authorization-Nonce"]);
    expect(a["X-LINE-Authorization"]).toBe(
      await expectedSignature(SECRET, input.path, input.body, a["X-LINE-Authorization-Nonce"]!),
    );
    expect(a).not.toHaveProperty("X-LINE-MerchantDeviceProfileId");
    expect(a).not.toHaveProperty("X-LINE-MerchantDeviceType");
  });

  it("adds the device headers only when given", async () => {
    const h = await v3Headers({
      channelId: "1",
      channelSecret: SECRET,
      path: "/p",
      deviceProfileId: "term-7",
      deviceType: "POS",
      nonce: NONCE,
    });
    expect(h["X-LINE-MerchantDeviceProfileId"]).toBe("term-7");
    expect(h["X-LINE-MerchantDeviceType"]).toBe("POS");
    expect(h["X-LINE-Authorization-Nonce"]).toBe(NONCE);
  });
});

describe("v2Headers", () => {
  it("sends the channel secret in clear and the device headers, and no HMAC", () => {
    const h = v2Headers({
      channelId: "1234567890",
      channelSecret: SECRET,
      deviceType: "POS",
      deviceProfileId: "term-1",
    });
    expect(h).toEqual({
      "Content-Type": "application/json",
      "X-LINE-ChannelId": "1234567890",
      "X-LINE-ChannelSecret": SECRET,
      "X-LINE-MerchantDeviceType": "POS",
      "X-LINE-MerchantDeviceProfileId": "term-1",
    });
  });

  it("omits the device profile when there is none", () => {
    expect(v2Headers({ channelId: "1", channelSecret: "s", deviceType: "POS" })).not.toHaveProperty(
      "X-LINE-MerchantDeviceProfileId",
    );
  });
});
