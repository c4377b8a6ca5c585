/**
 * The merchant registry's admin routes (`/v1/merchants/{merchantId}`, scope `admin`): what PUT,
 * GET and DELETE answer and store, and that every refused request (bad body, bad id, wrong or
 * no token) is a 4xx problem that leaves the merchant object's storage byte for byte as it was.
 */
import { describe, expect, it } from "vitest";
import { merchantFor } from "../../durable-objects/merchant/directory";
import { env } from "cloudflare:workers";
import { call, sendTrapped, uniqueId } from "../support/gateway";
import {
  admin,
  dumpMerchant,
  eventsUrlOf,
  newChannelId,
  newChannelSecret,
  newWhsec,
  registerMerchant,
} from "../support/merchants";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("merchant registry", () => {
  it("registers a merchant (201) and answers its view, never a secret; a second PUT updates it (200)", async () => {
    const m = await registerMerchant({ deviceProfileId: "till-7", offlineVersion: "v4" });
    expect(m.put.headers.get("Content-Type")).toBe("application/json");
    expect(m.put.body).toEqual({
      merchantId: m.merchantId,
      channelId: m.channelId,
      deviceProfileId: "till-7",
      offlineVersion: "v4",
      eventsWebhookUrl: eventsUrlOf(m.merchantId),
      status: "ACTIVE",
      createdAt: expect.stringMatching(ISO),
      updatedAt: m.put.body.createdAt,
    });
    const got = await admin("GET", m.merchantId);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(m.put.body);

    // The whole record again without secrets: the stored ones are kept; left-out fields go.
    const updated = await admin("PUT", m.merchantId, {
      channelId: m.channelId,
      eventsWebhookUrl: "https://shop.example/v2/events",
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      merchantId: m.merchantId,
      channelId: m.channelId,
      offlineVersion: "v2",
      eventsWebhookUrl: "https://shop.example/v2/events",
      status: "ACTIVE",
      createdAt: m.put.body.createdAt,
      updatedAt: expect.stringMatching(ISO),
    });
    expect(updated.body.updatedAt >= m.put.body.createdAt).toBe(true);
    const merchant = await merchantFor(env, m.merchantId);
    expect(merchant?.channel.channelSecret).toBe(m.channelSecret);
    expect(merchant?.eventsWebhookSecret).toBe(m.eventsWebhookSecret);
    expect(merchant?.depositWebhookSecrets).toEqual([m.depositWebhookSecret]);

    for (const text of [m.put.text, got.text, updated.text]) {
      for (const secret of [m.channelSecret, m.eventsWebhookSecret, m.depositWebhookSecret]) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it("keeps a secret left out, removes one sent as null, takes several deposit secrets for a rotation", async () => {
    const m = await registerMerchant();
    const next = newWhsec();
    const put = await admin("PUT", m.merchantId, {
      channelId: m.channelId,
      eventsWebhookSecret: null,
      depositWebhookSecret: `${next} ${m.depositWebhookSecret}`,
    });
    expect(put.status).toBe(200);
    expect(put.body.eventsWebhookUrl).toBeUndefined();
    const merchant = await merchantFor(env, m.merchantId);
    expect(merchant?.channel.channelSecret).toBe(m.channelSecret);
    expect(merchant?.eventsWebhookSecret).toBeUndefined();
    expect(merchant?.depositWebhookSecrets).toEqual([next, m.depositWebhookSecret]);
    await admin("PUT", m.merchantId, { channelId: m.channelId, depositWebhookSecret: null });
    expect((await merchantFor(env, m.merchantId))?.depositWebhookSecrets).toEqual([]);
  });

  it("refuses what only the stored record can tell, as 400s that store nothing", async () => {
    // A first PUT without channelSecret: nothing is registered, the object keeps no table.
    const merchantId = uniqueId("shop");
    const first = await admin("PUT", merchantId, { channelId: newChannelId() });
    expect(first.status).toBe(400);
    expect(first.body.errors).toEqual([{ path: "channelSecret", message: "required to register a merchant" }]);
    expect((await admin("GET", merchantId)).status).toBe(404);
    expect(await dumpMerchant(merchantId)).toBe("[]");

    const m = await registerMerchant();
    const before = await dumpMerchant(m.merchantId);
    // A new channel needs its own secret; a URL needs a secret to sign with.
    const moved = await admin("PUT", m.merchantId, { channelId: newChannelId() });
    expect(moved.status).toBe(400);
    expect(moved.body.errors[0].path).toBe("channelSecret");
    const unsigned = await admin("PUT", m.merchantId, {
      channelId: m.channelId,
      eventsWebhookUrl: "https://shop.example/e",
      eventsWebhookSecret: null,
    });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.errors[0].path).toBe("eventsWebhookSecret");
    expect(await dumpMerchant(m.merchantId)).toBe(before);
  });

  it("disables with DELETE, answers 404 for an unknown merchant, and a PUT enables it again", async () => {
    const m = await registerMerchant();
    const deleted = await admin("DELETE", m.merchantId);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ merchantId: m.merchantId, status: "DISABLED" });
    expect((await admin("GET", m.merchantId)).body.status).toBe("DISABLED");
    expect((await merchantFor(env, m.merchantId))?.status).toBe("DISABLED");
    expect((await admin("DELETE", m.merchantId)).status).toBe(200);

    const unknown = uniqueId("nobody");
    for (const method of ["GET", "DELETE"]) {
      const res = await admin(method, unknown);
      expect(res.status).toBe(404);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      expect(res.body.code).toBe("not_found");
    }
    expect(await dumpMerchant(unknown)).toBe("[]");

    const again = await admin("PUT", m.merchantId, { channelId: m.channelId });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("ACTIVE");
    expect((await merchantFor(env, m.merchantId))?.status).toBe("ACTIVE");
  });

  const secret = newChannelSecret();
  const good = () => ({ channelId: newChannelId(), channelSecret: secret });
  const badBodies: [string, () => unknown, string][] = [
    ["without channelId", () => ({ channelSecret: secret }), "channelId"],
    ["with a 9-digit channelId", () => ({ ...good(), channelId: "123456789" }), "channelId"],
    ["with a numeric channelId", () => ({ ...good(), channelId: 1234567890 }), "channelId"],
    ["with an empty channelSecret", () => ({ ...good(), channelSecret: "" }), "channelSecret"],
    ["with a short channelSecret", () => ({ ...good(), channelSecret: "0123456789" }), "channelSecret"],
    ["with an oversized channelSecret", () => ({ ...good(), channelSecret: "a".repeat(129) }), "channelSecret"],
    ["with an unknown field", () => ({ ...good(), channelSecrets: secret }), "channelSecrets"],
    ["with offlineVersion v3", () => ({ ...good(), offlineVersion: "v3" }), "offlineVersion"],
    ["with an http webhook URL", () => ({ ...good(), eventsWebhookUrl: "http://shop.example/e" }), "eventsWebhookUrl"],
    [
      "with credentials in the webhook URL",
      () => ({ ...good(), eventsWebhookUrl: "https://user:pw@shop.example/e", eventsWebhookSecret: newWhsec() }),
      "eventsWebhookUrl",
    ],
    [
      "with a webhook URL that is no URL",
      () => ({ ...good(), eventsWebhookUrl: "shop.example/e" }),
      "eventsWebhookUrl",
    ],
    [
      "with a webhook secret without whsec_",
      () => ({ ...good(), eventsWebhookSecret: btoa("x".repeat(32)) }),
      "eventsWebhookSecret",
    ],
    [
      "with a webhook secret too short",
      () => ({ ...good(), eventsWebhookSecret: `whsec_${btoa("short")}` }),
      "eventsWebhookSecret",
    ],
    [
      "with a webhook secret not base64",
      () => ({ ...good(), eventsWebhookSecret: `whsec_${"!".repeat(44)}` }),
      "eventsWebhookSecret",
    ],
    [
      "with one bad deposit secret among good ones",
      () => ({ ...good(), depositWebhookSecret: `${newWhsec()} whsec_nope` }),
      "depositWebhookSecret",
    ],
    [
      "with five deposit secrets",
      () => ({ ...good(), depositWebhookSecret: Array.from({ length: 5 }, newWhsec).join(" ") }),
      "depositWebhookSecret",
    ],
    ["as an array", () => [good()], ""],
  ];

  it.each(badBodies)("answers 400 to a PUT %s, without echoing it, and stores nothing", async (_name, body, path) => {
    const m = await registerMerchant();
    const before = await dumpMerchant(m.merchantId);
    const sent = body();
    const res = await admin("PUT", m.merchantId, sent);
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.body.code).toBe("invalid_request");
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(res.text).not.toContain(secret);
    expect(await dumpMerchant(m.merchantId)).toBe(before);
  });

  it("answers 400 to malformed, non-JSON and oversized bodies and stores nothing", async () => {
    const merchantId = uniqueId("shop");
    const cases: { rawBody: string; headers: Record<string, string> }[] = [
      { rawBody: "{", headers: { "Content-Type": "application/json" } },
      { rawBody: JSON.stringify(good()), headers: { "Content-Type": "text/plain" } },
      { rawBody: "", headers: { "Content-Type": "application/json" } },
      {
        rawBody: JSON.stringify({ ...good(), deviceProfileId: "x".repeat(70_000) }),
        headers: { "Content-Type": "application/json" },
      },
    ];
    for (const c of cases) {
      const res = await call("PUT", `/v1/merchants/${merchantId}`, { scope: "admin", ...c });
      expect(res.status, c.rawBody.slice(0, 20)).toBe(400);
      expect(res.body.code).toBe("invalid_request");
    }
    expect(await dumpMerchant(merchantId)).toBe("[]");
  });

  it.each([
    ["default", "reserved"],
    ["DEFAULT", "reserved"],
    ["a".repeat(65), "1-64"],
    ["shop%20one", "1-64"],
    ["shop:one", "1-64"],
    ["caf%C3%A9", "1-64"],
    ["%ZZ", "percent-encoding"],
  ])("answers 400 to the merchantId %s on PUT, GET and DELETE", async (merchantId, says) => {
    for (const method of ["PUT", "GET", "DELETE"]) {
      const res = await admin(method, merchantId, method === "PUT" ? good() : undefined);
      expect(res.status, method).toBe(400);
      expect(res.body.errors[0].path).toBe("merchantId");
      expect(JSON.stringify(res.body)).toContain(says);
    }
    expect(await dumpMerchant("default")).toBe("[]");
  });

  it("answers 401 without a token and 403 to every payment scope, and stores nothing", async () => {
    const m = await registerMerchant();
    const before = await dumpMerchant(m.merchantId);
    const body = { channelId: newChannelId(), channelSecret: newChannelSecret() };
    for (const method of ["PUT", "GET", "DELETE"]) {
      const anonymous = await call(method, `/v1/merchants/${m.merchantId}`, {
        auth: false,
        ...(method === "PUT" ? { body } : {}),
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("WWW-Authenticate")).toContain("Bearer");
      for (const scope of ["payments", "pos", "deposits", "payments pos deposits"]) {
        const res = await admin(method, m.merchantId, method === "PUT" ? body : undefined, scope);
        expect(res.status, `${method} with ${scope}`).toBe(403);
        expect(res.body.code).toBe("forbidden");
        expect(res.headers.get("WWW-Authenticate")).toContain('scope="admin"');
      }
    }
    expect(await dumpMerchant(m.merchantId)).toBe(before);
  });

  it("gives an admin-only token 403 on every payment, POS and deposit route, before any object", async () => {
    const routes: [string, string][] = [
      ["POST", "/v1/payments"],
      ["GET", "/v1/payments/order-1"],
      ["POST", "/v1/payments/order-1/confirm"],
      ["POST", "/v1/payments/order-1/capture"],
      ["POST", "/v1/payments/order-1/void"],
      ["POST", "/v1/payments/order-1/refund"],
      ["POST", "/v1/pos/payments"],
      ["POST", `/v1/preapproved/rk_${"A".repeat(43)}/payments`],
      ["GET", `/v1/preapproved/rk_${"A".repeat(43)}`],
      ["DELETE", `/v1/preapproved/rk_${"A".repeat(43)}`],
      ["POST", "/v1/deposits"],
      ["GET", "/v1/deposits/dep-1"],
    ];
    for (const [method, path] of routes) {
      const res = await sendTrapped(path, { method, auth: "admin", ...(method === "POST" ? { body: {} } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.code).toBe("forbidden");
      expect(res.touched).toEqual([]);
    }
  });

  it("answers 500 naming MERCHANT_KEYS, never a value, when a PUT cannot seal", async () => {
    const merchantId = uniqueId("shop");
    const res = await sendTrapped(`/v1/merchants/${merchantId}`, { method: "PUT", auth: "admin", body: good() }, {
      MERCHANT_KEYS: "",
    } as Partial<Env>);
    expect(res.status).toBe(500);
    expect(res.body.code).toBe("configuration_error");
    expect(res.body.detail).toContain("MERCHANT_KEYS");
    expect(res.text).not.toContain(secret);
    expect(await dumpMerchant(merchantId)).toBe("[]");
  });
});
