/**
 * The caller's merchant: the `merchant` claim of its JWT, resolved once per request by
 * `authorize()`. No claim (or `default`) is the configured default merchant; an unknown or a
 * disabled merchant is 403 on every route that moves new money, and nothing reaches LINE Pay; a
 * disabled merchant may still read, refund and void; a token that is otherwise bad stays 401.
 */
import { env } from "cloudflare:workers";
import type { IRequest } from "itty-router";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { authorize } from "../../functions/routes/handler";
import { call, reserveBody, token, uniqueId } from "../support/gateway";
import { admin, eventsUrlOf, merchantToken, registerMerchant } from "../support/merchants";
import { sandbox } from "../support/sandbox";

const bearer = (jwt: string) => ({ Authorization: `Bearer ${jwt}` });
const asRequest = async (claims: Record<string, unknown>) =>
  new Request("http://gateway.test/v1/payments", {
    headers: bearer(await token("payments", claims)),
  }) as unknown as IRequest;

/** Every route, with a body that passes validation, for an orderId / depositId of its own. */
function routes(id: string): [string, string, unknown][] {
  const rk = `rk_${"Q".repeat(43)}`;
  const money = { amount: 100, currency: "TWD" };
  return [
    ["POST", "/v1/payments", reserveBody(id, 100, "TWD")],
    ["POST", `/v1/payments/${id}/confirm`, money],
    ["POST", `/v1/payments/${id}/capture`, money],
    [
      "POST",
      "/v1/pos/payments",
      { productName: "Tea", amount: 100, currency: "TWD", orderId: id, oneTimeKey: "123456789012" },
    ],
    ["POST", `/v1/preapproved/${rk}/payments`, { productName: "Plan", amount: 100, currency: "TWD", orderId: id }],
    ["POST", "/v1/deposits", { depositId: id, linePayNumber: "09012345678", amount: 100, currency: "JPY" }],
    ["POST", `/v1/payments/${id}/void`, undefined],
    ["POST", `/v1/payments/${id}/refund`, {}],
    ["GET", `/v1/payments/${id}`, undefined],
    ["GET", `/v1/deposits/${id}`, undefined],
    ["GET", `/v1/preapproved/${rk}`, undefined],
    ["DELETE", `/v1/preapproved/${rk}`, undefined],
  ];
}

const send = (jwt: string, [method, path, body]: [string, string, unknown]) =>
  call(method, path, {
    headers: { ...bearer(jwt), "Idempotency-Key": "k" },
    ...(body === undefined ? {} : { body }),
  });

describe("the caller's merchant", () => {
  it("is the default merchant without a merchant claim, or with merchant: default", async () => {
    for (const claims of [{}, { merchant: "default" }]) {
      const { merchant } = await authorize(await asRequest(claims), env, "payments");
      expect(merchant.merchantId).toBe("default");
      expect(merchant.channel).toEqual({
        channelId: env.LINEPAY_CHANNEL_ID,
        channelSecret: env.LINEPAY_CHANNEL_SECRET,
      });
    }
  });

  it("is the registered merchant its claim names, with its own channel", async () => {
    const m = await registerMerchant({ offlineVersion: "v4", deviceProfileId: "till-2" });
    const { merchant } = await authorize(await asRequest({ merchant: m.merchantId }), env, "payments");
    expect(merchant).toEqual({
      merchantId: m.merchantId,
      channel: { channelId: m.channelId, channelSecret: m.channelSecret },
      deviceProfileId: "till-2",
      offlineVersion: "v4",
      eventsWebhookUrl: eventsUrlOf(m.merchantId),
      eventsWebhookSecret: m.eventsWebhookSecret,
      depositWebhookSecrets: [m.depositWebhookSecret],
      status: "ACTIVE",
    });
  });

  it("answers 403 on every route to a claim naming no registered merchant, and nothing reaches LINE Pay", async () => {
    const jwt = await merchantToken(uniqueId("nobody"));
    for (const route of routes(uniqueId("claim"))) {
      const res = await send(jwt, route);
      expect(res.status, `${route[0]} ${route[1]}`).toBe(403);
      expect(res.body.code).toBe("forbidden");
      expect(res.body.detail).toBe("the token's merchant is not registered, or is disabled");
    }
    const id = uniqueId("claim");
    for (const route of routes(id)) expect((await send(await merchantToken("a".repeat(65)), route)).status).toBe(403);
    expect(await sandbox.calls({ orderId: id })).toEqual({});
  });

  it("refuses a disabled merchant's new money movements (403) and lets its reads, refunds and voids go on", async () => {
    const m = await registerMerchant();
    await admin("DELETE", m.merchantId);
    const jwt = await merchantToken(m.merchantId);
    const id = uniqueId("disabled");
    const answers = await Promise.all(routes(id).map(async (route) => [route[1], (await send(jwt, route)).status]));
    expect(answers.map(([, status]) => status)).toEqual([403, 403, 403, 403, 403, 403, 404, 404, 404, 404, 404, 404]);
    expect(await sandbox.calls({ orderId: id })).toEqual({});
  });

  it("answers 401, not 403, when the token naming a merchant is otherwise bad", async () => {
    const m = await registerMerchant();
    const forged = await new SignJWT({ scope: "payments", merchant: m.merchantId })
      .setProtectedHeader({ alg: "HS256" })
      .setAudience(env.AUTH_AUDIENCE)
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("not-the-secret-not-the-secret-00"));
    const expired = await new SignJWT({ scope: "payments", merchant: uniqueId("nobody") })
      .setProtectedHeader({ alg: "HS256" })
      .setAudience(env.AUTH_AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(env.AUTH_JWT_SECRET));
    for (const jwt of [
      forged,
      expired,
      await token("payments", { merchant: 42 }),
      await token("payments", { merchant: [m.merchantId] }),
    ]) {
      const res = await call("POST", "/v1/payments", { body: reserveBody(uniqueId()), headers: bearer(jwt) });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("unauthorized");
    }
    // And a token without the route's scope is 403 for its scope, whatever merchant it names.
    const noScope = await token("deposits", { merchant: m.merchantId });
    expect(
      (await call("POST", "/v1/payments", { body: reserveBody(uniqueId()), headers: bearer(noScope) })).body.detail,
    ).toBe("this route needs the scope payments");
  });
});
