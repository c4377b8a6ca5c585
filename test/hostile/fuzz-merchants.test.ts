/**
 * Property tests for the merchant registry and the merchant claim: junk PUT bodies, fuzzed
 * merchantIds in paths and fuzzed `merchant` claims are answered with a 4xx problem, never a
 * 500, and nothing is stored for a refused PUT.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, token } from "../support/gateway";
import { dumpMerchant } from "../support/merchants";

const problem = (res: Awaited<ReturnType<typeof call>>) => {
  expect(res.status).not.toBe(500);
  expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  expect(typeof res.body?.code).toBe("string");
};

const almost = fc
  .record(
    {
      channelId: fc.oneof(fc.stringMatching(/^\d{8,11}$/), fc.integer(), fc.constant(null)),
      channelSecret: fc.oneof(fc.string({ maxLength: 140 }), fc.constant(null)),
      offlineVersion: fc.constantFrom("v2", "v4", "v3", "", 4),
      eventsWebhookUrl: fc.oneof(fc.webUrl(), fc.string({ maxLength: 50 })),
      eventsWebhookSecret: fc.oneof(
        fc.string({ maxLength: 60 }).map((s) => `whsec_${s}`),
        fc.constant(null),
      ),
      depositWebhookSecret: fc.oneof(fc.string({ maxLength: 60 }), fc.constant(null)),
    },
    { requiredKeys: [] },
  )
  .map((v) => JSON.stringify(v));

describe("fuzzed merchant requests", () => {
  it("answers junk PUT bodies with 400 and stores nothing", async () => {
    const merchantId = `fz-${crypto.randomUUID()}`;
    const bearer = await token("admin");
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 200 }),
          almost,
        ),
        async (rawBody) => {
          const res = await call("PUT", `/v1/merchants/${merchantId}`, {
            rawBody,
            headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
          });
          problem(res);
          expect(res.status).toBe(400);
        },
      ),
      { numRuns: 300 },
    );
    expect(await dumpMerchant(merchantId)).toBe("[]");
  });

  it("answers fuzzed merchantIds on the admin routes and the merchant webhook without a 500", async () => {
    const bearer = await token("admin");
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), fc.constantFrom("GET", "DELETE"), async (segment, method) => {
        const res = await call(method, `/v1/merchants/${encodeURIComponent(segment)}`, {
          headers: { Authorization: `Bearer ${bearer}` },
        });
        problem(res);
        expect([400, 404]).toContain(res.status);
        const hook = await call("POST", `/v1/webhooks/deposits/${encodeURIComponent(segment)}`, {
          auth: false,
          rawBody: "{}",
          headers: {
            "Content-Type": "application/json",
            "webhook-id": "msg_1",
            "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
            "webhook-signature": "v1,AAAA",
          },
        });
        problem(hook);
        expect(hook.status).toBe(401);
      }),
      { numRuns: 200 },
    );
  });

  it("answers fuzzed merchant claims with 403 (a string) or 401 (anything else), never a 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue()), async (merchant) => {
        if (merchant === "default" || merchant === undefined) return;
        const jwt = await token("payments", { merchant });
        const res = await call("GET", "/v1/payments/fz-order", { headers: { Authorization: `Bearer ${jwt}` } });
        problem(res);
        expect(res.status).toBe(typeof merchant === "string" ? 403 : 401);
      }),
      { numRuns: 200 },
    );
  });
});
