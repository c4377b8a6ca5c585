/**
 * The edge's own answers: /healthz (503 naming what the configuration lacks) and /openapi.json
 * (the committed, prebuilt document, equal to what the builder makes from the validators now)
 * without a token, 404 and 405 problems, and the one `catch` that turns configuration and
 * unexpected errors into 500 problems that name no secret and show no stack.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildOpenApiDocument } from "../../functions/openapi";
import committedDocument from "../../functions/openapi-document.json";
import { version } from "../../package.json";
import { send, sendTrapped } from "../support/gateway";

const CONTRACT_ROUTES: [string, string][] = [
  ["post", "/v1/payments"],
  ["post", "/v1/payments/{orderId}/confirm"],
  ["post", "/v1/payments/{orderId}/capture"],
  ["post", "/v1/payments/{orderId}/void"],
  ["post", "/v1/payments/{orderId}/refund"],
  ["get", "/v1/payments/{orderId}"],
  ["post", "/v1/pos/payments"],
  ["post", "/v1/preapproved/{regKeyToken}/payments"],
  ["get", "/v1/preapproved/{regKeyToken}"],
  ["delete", "/v1/preapproved/{regKeyToken}"],
  ["post", "/v1/deposits"],
  ["get", "/v1/deposits/{depositId}"],
  ["post", "/v1/webhooks/deposits"],
  ["get", "/healthz"],
  ["get", "/openapi.json"],
];

afterEach(() => vi.restoreAllMocks());

describe("service routes", () => {
  it("answers /healthz without a token, with the package version", async () => {
    const res = await send("/healthz", { auth: false });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, version });
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("answers /healthz 503 naming each missing or invalid setting, never showing a value", async () => {
    const broken = {
      LINEPAY_CHANNEL_SECRET: "",
      AUTH_JWT_SECRET: "",
      REGKEY_KEYS: `{"active":"k1","keys":{"k1":"${env.LINEPAY_CHANNEL_SECRET}"}}`,
      DEPOSIT_WEBHOOK_SECRET: "",
      LINEPAY_ONLINE_VERSION: "v9",
      LINEPAY_TIMEOUT_MS: "soon",
    } as Partial<Env>;
    const res = await sendTrapped("/healthz", { auth: false }, broken);
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.body).toEqual({
      ok: false,
      problems: [
        "LINEPAY_CHANNEL_SECRET is missing",
        "AUTH_JWT_SECRET or AUTH_JWKS_URL is missing",
        "LINEPAY_ONLINE_VERSION must be v3 or v4",
        'REGKEY_KEYS key "k1" must be base64url of 32 bytes',
        "LINEPAY_TIMEOUT_MS must be a positive integer of milliseconds",
        "DEPOSIT_WEBHOOK_SECRET is missing",
      ],
    });
    expect(res.touched).toEqual([]);
    for (const secret of [env.LINEPAY_CHANNEL_ID, env.LINEPAY_CHANNEL_SECRET, env.REGKEY_KEYS]) {
      expect(res.text).not.toContain(secret);
    }
    // The same settings make every other route a 500 naming them.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const route = await sendTrapped(
      "/v1/payments/o-1",
      {},
      { LINEPAY_CHANNEL_SECRET: "", LINEPAY_ONLINE_VERSION: "v9" },
    );
    expect(route.status).toBe(500);
    expect(route.body.detail).toBe(
      "missing configuration: LINEPAY_CHANNEL_SECRET; LINEPAY_ONLINE_VERSION must be v3 or v4",
    );
  });

  it("answers /healthz 503 for a regKey keyring that is not JSON, and 200 once each setting is there", async () => {
    const res = await sendTrapped("/healthz", { auth: false }, { REGKEY_KEYS: "{not json" } as Partial<Env>);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ ok: false, problems: ["REGKEY_KEYS is not valid JSON"] });
    const fine = await sendTrapped("/healthz", { auth: false });
    expect(fine.status).toBe(200);
    expect(fine.body).toEqual({ ok: true, version });
  });

  it("serves the prebuilt OpenAPI document, which is what the builder makes from the validators now", async () => {
    const res = await send("/openapi.json", { auth: false });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    const built = buildOpenApiDocument();
    // If this fails after a schema or route change: `npm run openapi`, and commit what it writes.
    expect(committedDocument, "functions/openapi-document.json is stale").toEqual(built);
    expect(res.body, "functions/openapi-packed.ts is stale").toEqual(built);
  });

  it("serves an OpenAPI 3.1 document of every contract route without a token", async () => {
    const res = await send("/openapi.json", { auth: false });
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    for (const [method, path] of CONTRACT_ROUTES) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    // Shared answers are components, referenced by `$ref`.
    const resolve = (r: { $ref?: string } | undefined) =>
      r?.$ref ? doc.components.responses[r.$ref.replace("#/components/responses/", "")] : r;
    for (const [method, path] of CONTRACT_ROUTES.filter(([, p]) => p.startsWith("/v1/"))) {
      const responses = doc.paths[path][method].responses;
      for (const status of ["400", "401", "500"]) {
        const answer = resolve(responses[status]);
        expect(answer?.content?.["application/problem+json"], `${method} ${path} ${status}`).toBeDefined();
      }
    }
    expect(doc.components.schemas.Problem.required).toEqual(["type", "title", "status", "detail", "code"]);
  });

  it("generates the request schemas from the validators", async () => {
    const { schemas } = (await send("/openapi.json", { auth: false })).body.components;
    expect(schemas.ReserveRequest.additionalProperties).toBe(false);
    expect(schemas.ReserveRequest.required).toEqual(
      expect.arrayContaining(["amount", "currency", "orderId", "packages", "redirectUrls"]),
    );
    expect(schemas.ReserveRequest.properties.currency.enum).toEqual(["JPY", "TWD", "THB", "USD"]);
    expect(schemas.ReserveRequest.properties.orderId.maxLength).toBe(100);
    expect(schemas.PosPayRequest.properties.oneTimeKey.pattern).toBe("^(?:\\d{12}|\\d{18}|\\d{19})$");
    expect(schemas.DepositRequest.properties.linePayNumber.pattern).toBe("^\\d{11}$");
    expect(schemas.DepositRequest.properties.message.maxLength).toBe(100);
    expect(schemas.DepositWebhook.properties.type.const).toBe("deposit.requested");
  });
});

describe("unmatched requests", () => {
  it("answers an unknown route with a 404 problem", async () => {
    const res = await send("/v2/nothing", { auth: false });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.body).toMatchObject({ status: 404, code: "not_found", type: expect.stringContaining("not-found") });
  });

  it("answers a known path with the wrong method with a 405 problem and Allow", async () => {
    const res = await send("/v1/payments", { auth: false, method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST");
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.body).toMatchObject({ status: 405, code: "method_not_allowed" });
    const token = await send(`/v1/preapproved/rk_${"A".repeat(43)}`, { auth: false, method: "PUT" });
    expect(token.status).toBe(405);
    expect(token.headers.get("Allow")).toBe("GET, DELETE");
  });
});

describe("errors the edge did not expect", () => {
  it("answers a missing setting with a 500 configuration_error naming it, never its value", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await sendTrapped("/v1/payments/o-1", {}, { LINEPAY_CHANNEL_SECRET: "" });
    expect(res.status).toBe(500);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.body).toMatchObject({ status: 500, code: "configuration_error" });
    expect(res.body.detail).toContain("LINEPAY_CHANNEL_SECRET");
    expect(res.touched).toEqual([]);
    const logged = log.mock.calls.map((c) => String(c[0])).join("\n");
    expect(logged).toContain("config.error");
    for (const secret of [env.LINEPAY_CHANNEL_ID, env.AUTH_JWT_SECRET]) {
      expect(res.text).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
  });

  it("answers a webhook with no secret configured with a 500 naming DEPOSIT_WEBHOOK_SECRET", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await sendTrapped("/v1/webhooks/deposits", { auth: false, body: {} }, { DEPOSIT_WEBHOOK_SECRET: "" });
    expect(res.status).toBe(500);
    expect(res.body.detail).toContain("DEPOSIT_WEBHOOK_SECRET");
  });

  it("answers an unexpected failure with a 500 internal_error: no stack, no message, one log line", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const broken = {
      getByName: () => {
        throw new TypeError("boom at secret-stack-frame rk_leaky");
      },
    } as unknown as Env["ORDERS"];
    const res = await sendTrapped("/v1/payments/o-1", {}, { ORDERS: broken });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      type: expect.stringContaining("internal-error"),
      title: expect.any(String),
      status: 500,
      detail: expect.any(String),
      code: "internal_error",
    });
    expect(res.text).not.toContain("boom");
    expect(res.text).not.toContain("at ");
    expect(log).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(log.mock.calls[0]![0]));
    expect(line).toMatchObject({ event: "internal.error", error: "TypeError", route: "/v1/payments/:orderId" });
    expect(String(log.mock.calls[0]![0])).not.toContain("rk_leaky");
  });

  it("keeps an object's answer, headers included, and adds no-store", async () => {
    const ORDERS = {
      getByName: () => ({
        view: async () => ({ status: 409, body: { code: "in_progress" }, headers: { "Retry-After": "3" } }),
      }),
    } as unknown as Env["ORDERS"];
    const res = await sendTrapped("/v1/payments/o-1", {}, { ORDERS });
    expect(res.status).toBe(409);
    expect(res.headers.get("Retry-After")).toBe("3");
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });
});
