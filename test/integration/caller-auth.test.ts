/** Caller JWTs: every way a token can be wrong gets 401; a valid token without the scope gets 403. */
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";

const b64url = (o: unknown) => btoa(JSON.stringify(o)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const secret = () => new TextEncoder().encode(env.AUTH_JWT_SECRET);

async function signed(
  claims: Record<string, unknown>,
  opts: { exp?: string | number | null; aud?: string; key?: Uint8Array } = {},
) {
  let jwt = new SignJWT({ scope: "payments", ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(opts.aud ?? env.AUTH_AUDIENCE);
  if (opts.exp !== null) jwt = jwt.setExpirationTime(opts.exp ?? "5m");
  return jwt.sign(opts.key ?? secret());
}

const tokens: [string, () => Promise<string>][] = [
  [
    "forged with another secret",
    () => signed({}, { key: new TextEncoder().encode("not-the-secret-not-the-secret-00") }),
  ],
  ["expired", () => signed({}, { exp: Math.floor(Date.now() / 1000) - 3600 })],
  ["without exp", () => signed({}, { exp: null })],
  ["for another audience", () => signed({}, { aud: "someone-else" })],
  [
    "with alg none",
    async () =>
      `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ scope: "payments", aud: env.AUTH_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 })}.`,
  ],
  ["malformed", async () => "not.a.jwt"],
  ["oversized", async () => `${"a".repeat(9000)}.b.c`],
  [
    "not yet valid",
    async () =>
      new SignJWT({ scope: "payments" })
        .setProtectedHeader({ alg: "HS256" })
        .setAudience(env.AUTH_AUDIENCE)
        .setExpirationTime("10m")
        .setNotBefore("5m")
        .sign(secret()),
  ],
];

describe("caller authentication", () => {
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
