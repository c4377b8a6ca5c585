/**
 * Caller JWTs at the edge: every way a token can be wrong is a 401 problem with a Bearer
 * challenge and no trace of the token; a good token without the route's scope is a 403; and
 * none of it reaches a Durable Object.
 */
import { env } from "cloudflare:workers";
import { SignJWT, createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, type JWTVerifyGetKey } from "jose";
import { describe, expect, it } from "vitest";
import { CLOCK_TOLERANCE_S, trustedUntil, verifyCallerToken } from "../../functions/auth/caller-jwt";
import { call, mint, reserveBody, secretKey, send, sendTrapped, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";

const b64url = (o: unknown) => btoa(JSON.stringify(o)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const now = () => Math.floor(Date.now() / 1000);

const badTokens: [string, () => Promise<string>][] = [
  ["forged with another secret", () => mint({ key: new TextEncoder().encode("another-secret-another-secret-00") })],
  ["expired an hour ago", () => mint({ exp: now() - 3600 })],
  ["expired beyond the clock tolerance", () => mint({ exp: now() - CLOCK_TOLERANCE_S - 30 })],
  ["without exp", () => mint({ exp: null })],
  ["for another audience", () => mint({ aud: "someone-else" })],
  [
    "with alg none",
    async () =>
      `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ scope: "payments", aud: "linepay-gateway", exp: now() + 600 })}.`,
  ],
  [
    "with alg none and a copied signature",
    async () => {
      const good = (await mint()).split(".");
      return `${b64url({ alg: "none" })}.${good[1]}.${good[2]}`;
    },
  ],
  ["malformed", async () => "not.a.jwt"],
  ["of random base64url", async () => "eyJhbGciOi"],
  ["oversized but validly signed", () => mint({ claims: { padding: "x".repeat(9000) } })],
  [
    "with a payload altered after signing",
    async () => {
      const [h, , s] = (await mint({ scope: "pos" })).split(".");
      return `${h}.${b64url({ scope: "payments", aud: "linepay-gateway", exp: now() + 600 })}.${s}`;
    },
  ],
];

describe("caller JWTs", () => {
  it("answers 401 problem+json with a Bearer challenge when the token is missing", async () => {
    const res = await send("/v1/payments/o-1", { auth: false });
    expect(res.status).toBe(401);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.body).toMatchObject({
      status: 401,
      code: "unauthorized",
      title: expect.any(String),
      detail: expect.any(String),
    });
  });

  it.each(badTokens)("answers 401 to a token %s, without echoing it or reaching an object", async (_name, make) => {
    const token = await make();
    const res = await sendTrapped("/v1/payments/o-1", { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("unauthorized");
    expect(res.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
    for (const part of token.split(".").filter((p) => p.length > 8)) expect(res.text).not.toContain(part.slice(0, 24));
    expect(res.touched).toEqual([]);
  });

  it.each([
    ["a Basic scheme", "Basic dXNlcjpwYXNz"],
    ["an empty Bearer", "Bearer "],
    ["two tokens", "Bearer a.b.c d.e.f"],
  ])("answers 401 to %s", async (_name, header) => {
    const res = await sendTrapped("/v1/payments/o-1", { headers: { Authorization: header } });
    expect(res.status).toBe(401);
    expect(res.touched).toEqual([]);
  });

  it("tells an expired token from a forged one, in words only", async () => {
    const expired = await sendTrapped("/v1/payments/o-1", {
      headers: { Authorization: `Bearer ${await mint({ exp: now() - 3600 })}` },
    });
    expect(expired.body.detail).toMatch(/expired/);
    const forged = await sendTrapped("/v1/payments/o-1", {
      headers: { Authorization: `Bearer ${await mint({ key: new TextEncoder().encode("x".repeat(32)) })}` },
    });
    expect(forged.body.detail).not.toMatch(/expired/);
  });

  // Each failing check named in `detail`, in words: a caller can fix its issuer from it.
  const mintRaw = (claims: Record<string, unknown>) =>
    new SignJWT({ scope: "payments pos deposits", ...claims }).setProtectedHeader({ alg: "HS256" }).sign(secretKey());
  it.each<[string, () => Promise<string>, RegExp]>([
    ["expired", () => mint({ exp: now() - 3600 }), /^the token has expired: its exp is past$/],
    ["without exp", () => mint({ exp: null }), /^the token has no exp claim/],
    ["with exp not a number", () => mintRaw({ aud: "linepay-gateway", exp: "tomorrow" }), /exp claim is not a number/],
    ["without aud", () => mintRaw({ exp: now() + 300 }), /^the token has no aud claim/],
    ["for another audience", () => mint({ aud: "someone-else" }), /^the token's aud claim does not name this gateway/],
    [
      "not yet valid",
      () => mintRaw({ aud: "linepay-gateway", exp: now() + 7200, nbf: now() + 3600 }),
      /^the token is not yet valid: its nbf is in the future$/,
    ],
    [
      "forged with another secret",
      () => mint({ key: new TextEncoder().encode("x".repeat(32)) }),
      /^the token's signature does not verify$/,
    ],
    ["malformed", async () => "not.a.jwt", /^the token is malformed$/],
    [
      "with alg none",
      async () => `${b64url({ alg: "none" })}.${b64url({ aud: "linepay-gateway", exp: now() + 60 })}.`,
      /^the token's algorithm is not accepted$/,
    ],
  ])("says which check failed for a token %s, and shows no secret or expected value", async (_name, make, detail) => {
    const res = await sendTrapped("/v1/payments/o-1", { headers: { Authorization: `Bearer ${await make()}` } });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(detail);
    // (the expected audience is not a secret, but the detail does not spell it out either)
    for (const value of [env.AUTH_JWT_SECRET, "someone-else", "tomorrow"]) expect(res.text).not.toContain(value);
    expect(res.body.detail).not.toContain(env.AUTH_AUDIENCE);
  });

  it("forgives clock skew within the tolerance", async () => {
    const res = await sendTrapped("/v1/payments/o-1", {
      headers: { Authorization: `Bearer ${await mint({ exp: now() - 5 })}` },
    });
    expect(res.status).toBe(299);
  });

  it("accepts the scheme name in any case, as RFC 9110 says", async () => {
    const res = await sendTrapped("/v1/payments/o-1", { headers: { Authorization: `bearer ${await mint()}` } });
    expect(res.status).toBe(299);
  });

  it("answers 403 with insufficient_scope to a valid token without the route's scope", async () => {
    const res = await sendTrapped("/v1/deposits/d-1", { auth: "payments pos" });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "forbidden", status: 403 });
    expect(res.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
    expect(res.touched).toEqual([]);
    expect(
      (
        await sendTrapped("/v1/payments/o-1", {
          auth: null as never,
          headers: { Authorization: `Bearer ${await mint({ scope: null })}` },
        })
      ).status,
    ).toBe(403);
  });

  it("does not read a scope out of a longer word", async () => {
    expect((await sendTrapped("/v1/pos/payments", { auth: "pos-admin", body: {} })).status).toBe(403);
  });

  it.each([
    ["GET /v1/payments/o-1", "pos"],
    ["GET /v1/payments/o-1", "payments"],
    ["POST /v1/payments/o-1/void", "pos"],
    ["POST /v1/payments/o-1/void", "payments"],
    ["POST /v1/payments/o-1/capture", "pos"],
    ["GET /v1/deposits/d-1", "deposits"],
    ["GET /v1/payments/o-1", "openid  pos  profile"],
  ])("lets %s through with scope %j", async (route, scope) => {
    const [method, path] = route.split(" ") as [string, string];
    const body = path.endsWith("/capture") ? { amount: 100, currency: "JPY" } : undefined;
    const res = await sendTrapped(path, { method, auth: scope, ...(body ? { body } : {}) });
    expect(res.status).toBe(299);
    expect(res.touched).toHaveLength(1);
  });

  it.each([
    ["POST /v1/payments/o-1/confirm", "pos"],
    ["POST /v1/pos/payments", "payments"],
    ["POST /v1/deposits", "payments pos"],
    ["GET /v1/preapproved/rk_x", "pos"],
  ])("refuses %s with scope %j", async (route, scope) => {
    const [method, path] = route.split(" ") as [string, string];
    const res = await sendTrapped(path, { method, auth: scope, ...(method === "POST" ? { body: {} } : {}) });
    expect(res.status).toBe(403);
  });

  it("gets a real order object's 404 through the deployed Worker with a good token", async () => {
    const res = await send(`/v1/payments/never-${crypto.randomUUID()}`, { auth: "pos" });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
    expect(env.AUTH_AUDIENCE).toBe("linepay-gateway");
  });
});

describe("verifyCallerToken with asymmetric keys", () => {
  const audience = "linepay-gateway";

  async function keys() {
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256" };
    return { privateKey, publicKey, jwk, jwks: createLocalJWKSet({ keys: [jwk] }) };
  }

  it("accepts an ES256 token from the JWKS", async () => {
    const { privateKey, jwks } = await keys();
    const token = await new SignJWT({ scope: "payments" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setAudience(audience)
      .setExpirationTime("5m")
      .sign(privateKey);
    await expect(verifyCallerToken(token, { jwks }, audience, ["payments"])).resolves.toMatchObject({
      scope: "payments",
    });
    await expect(verifyCallerToken(token, { jwks }, audience, ["pos"])).rejects.toMatchObject({ code: "forbidden" });
  });

  it("never verifies an HS256 token against the public key (alg confusion)", async () => {
    const { publicKey, jwk, jwks } = await keys();
    const attempts = [
      new TextEncoder().encode(JSON.stringify(jwk)),
      new TextEncoder().encode(await exportSPKI(publicKey)),
    ];
    for (const key of attempts) {
      const token = await new SignJWT({ scope: "payments" })
        .setProtectedHeader({ alg: "HS256", kid: "k1" })
        .setAudience(audience)
        .setExpirationTime("5m")
        .sign(key);
      await expect(verifyCallerToken(token, { jwks }, audience, ["payments"])).rejects.toMatchObject({
        code: "unauthorized",
      });
      const otherSecret = new TextEncoder().encode("the-configured-hs256-secret-0000");
      await expect(
        verifyCallerToken(token, { jwks, secret: otherSecret }, audience, ["payments"]),
      ).rejects.toMatchObject({
        code: "unauthorized",
      });
    }
  });

  it("refuses an asymmetric token when only the HS256 secret is configured", async () => {
    const { privateKey } = await keys();
    const token = await new SignJWT({ scope: "payments" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setAudience(audience)
      .setExpirationTime("5m")
      .sign(privateKey);
    await expect(
      verifyCallerToken(token, { secret: new TextEncoder().encode("s".repeat(32)) }, audience, ["payments"]),
    ).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("requires exp from the JWKS path too", async () => {
    const { privateKey, jwks } = await keys();
    const token = await new SignJWT({ scope: "payments" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setAudience(audience)
      .sign(privateKey);
    await expect(verifyCallerToken(token, { jwks }, audience, ["payments"])).rejects.toMatchObject({
      code: "unauthorized",
      message: expect.stringMatching(/^the token has no exp claim/),
    });
  });

  it("says when no key of the set matches, or the algorithm has no key source", async () => {
    const { privateKey, jwks } = await keys();
    const token = await new SignJWT({ scope: "payments" })
      .setProtectedHeader({ alg: "ES256", kid: "someone-elses" })
      .setAudience(audience)
      .setExpirationTime("5m")
      .sign(privateKey);
    await expect(verifyCallerToken(token, { jwks }, audience, ["payments"])).rejects.toMatchObject({
      message: "no key of the key set matches the token's kid and algorithm",
    });
    await expect(
      verifyCallerToken(token, { secret: new TextEncoder().encode("s".repeat(32)) }, audience, ["payments"]),
    ).rejects.toMatchObject({ message: "the token's algorithm is not accepted" });
  });
});

/** The same refusals end to end: through the deployed Worker, real objects and the sandbox behind it. */
describe("verified tokens, kept per isolate", () => {
  const audience = "linepay-gateway";

  /** A local JWKS whose key look-ups are counted: one per signature jose checks. */
  async function countedKeys() {
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    const local = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256" }] });
    const counted = { lookups: 0 };
    const jwks: JWTVerifyGetKey = (header, token) => {
      counted.lookups++;
      return local(header, token);
    };
    const sign = (claims: Record<string, unknown>, key = privateKey) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setAudience(audience)
        .setExpirationTime("5m")
        .sign(key);
    return { keys: { jwks }, counted, sign };
  }

  it("verifies a token once, and still checks the route's scope on every request", async () => {
    const { keys, counted, sign } = await countedKeys();
    const token = await sign({ scope: "pos" });
    for (let i = 0; i < 3; i++)
      await expect(verifyCallerToken(token, keys, audience, ["pos"])).resolves.toMatchObject({ scope: "pos" });
    expect(counted.lookups).toBe(1);
    await expect(verifyCallerToken(token, keys, audience, ["deposits"])).rejects.toMatchObject({ code: "forbidden" });
    // Another audience is another check, not a hit.
    await expect(verifyCallerToken(token, keys, "someone-else", ["pos"])).rejects.toMatchObject({
      code: "unauthorized",
    });
    expect(counted.lookups).toBe(2);
  });

  it("keeps nothing of a token that failed: it is checked again every time", async () => {
    const { keys, counted, sign } = await countedKeys();
    const intruder = await generateKeyPair("ES256");
    const forged = await sign({ scope: "pos" }, intruder.privateKey);
    for (let i = 0; i < 3; i++)
      await expect(verifyCallerToken(forged, keys, audience, ["pos"])).rejects.toMatchObject({ code: "unauthorized" });
    expect(counted.lookups).toBe(3);
  });

  it("shares a frozen payload, so no request can change what the next one sees", async () => {
    const { keys, sign } = await countedKeys();
    const claims = await verifyCallerToken(await sign({ scope: "pos", merchant: "m-1" }), keys, audience, ["pos"]);
    expect(Object.isFrozen(claims)).toBe(true);
  });

  it("trusts a token until its exp (with the clock tolerance) and never for more than a minute", () => {
    const now = 1_000_000_000_000;
    const exp = (s: number) => ({ exp: Math.floor(now / 1000) + s });
    expect(trustedUntil(exp(10), now)).toBe(now + (10 + CLOCK_TOLERANCE_S) * 1000);
    expect(trustedUntil(exp(3600), now)).toBe(now + 60_000);
    expect(trustedUntil(exp(-CLOCK_TOLERANCE_S), now)).toBe(now);
  });
});

describe("caller JWTs through the deployed Worker", () => {
  const b64url = (o: unknown) => btoa(JSON.stringify(o)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const now = () => Math.floor(Date.now() / 1000);
  const tokens: [string, () => Promise<string>][] = [
    [
      "forged with another secret",
      () => mint({ scope: "payments", key: new TextEncoder().encode("not-the-secret-not-the-secret-00") }),
    ],
    ["expired", () => mint({ scope: "payments", exp: now() - 3600 })],
    ["without exp", () => mint({ scope: "payments", exp: null })],
    ["for another audience", () => mint({ scope: "payments", aud: "someone-else" })],
    [
      "with alg none",
      async () =>
        `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ scope: "payments", aud: env.AUTH_AUDIENCE, exp: now() + 600 })}.`,
    ],
    ["malformed", async () => "not.a.jwt"],
    ["oversized", async () => `${"a".repeat(9000)}.b.c`],
    ["not yet valid", () => mint({ scope: "payments", claims: { nbf: now() + 300 } })],
  ];

  it("answers 401 problem+json without a token, and the order is never created", async () => {
    const orderId = uniqueId();
    const res = await call("POST", "/v1/payments", { body: reserveBody(orderId), auth: false });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("unauthorized");
    expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect((await sandbox.calls({ orderId })).request ?? 0).toBe(0);
  });

  it.each(tokens)("answers 401 to a token %s", async (_name, make) => {
    const orderId = uniqueId();
    const token = await make();
    const res = await call("POST", "/v1/payments", {
      body: reserveBody(orderId),
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(token.slice(0, 40));
    expect((await sandbox.calls({ orderId })).request ?? 0).toBe(0);
  });

  it("answers 403 to a valid token without the route's scope", async () => {
    const res = await call("POST", "/v1/payments", { body: reserveBody(uniqueId()), scope: "pos" });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("forbidden");
    const deposits = await call("POST", "/v1/deposits", { body: {}, scope: "payments" });
    expect(deposits.status).toBe(403);
  });

  it("accepts pos or payments on the shared orderId routes", async () => {
    const orderId = uniqueId();
    await call("POST", "/v1/payments", { body: reserveBody(orderId) });
    expect((await call("GET", `/v1/payments/${orderId}`, { scope: "pos" })).status).toBe(200);
    expect((await call("GET", `/v1/payments/${orderId}`, { scope: "payments" })).status).toBe(200);
    expect((await call("GET", `/v1/payments/${orderId}`, { scope: "deposits" })).status).toBe(403);
  });

  it("serves /healthz and /openapi.json without a token", async () => {
    const health = await call("GET", "/healthz", { auth: false });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ ok: true, version: expect.any(String) });
    const doc = await call("GET", "/openapi.json", { auth: false });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(["/v1/payments", "/v1/pos/payments", "/v1/deposits", "/v1/webhooks/deposits"]),
    );
  });

  it("answers unknown routes with a 404 problem", async () => {
    const res = await call("GET", "/v2/nothing", { auth: false });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });
});
