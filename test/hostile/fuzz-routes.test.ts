/**
 * Property tests with fast-check: generated bodies, headers and path parameters for the
 * routes. Whatever arrives, the answer is never a 500; invalid input is a 400 problem with no
 * LINE Pay call; input that follows the contract is accepted.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, token, type Called } from "../support/gateway";
import { sandbox } from "../support/sandbox";

const ROUTES: [string, string, string][] = [
  ["POST", "/v1/payments", "payments"],
  ["POST", "/v1/payments/fz-order/confirm", "payments"],
  ["POST", "/v1/payments/fz-order/capture", "payments"],
  ["POST", "/v1/payments/fz-order/refund", "payments"],
  ["POST", "/v1/pos/payments", "pos"],
  ["POST", `/v1/preapproved/rk_${"A".repeat(43)}/payments`, "payments"],
  ["POST", "/v1/deposits", "deposits"],
];

const totalCalls = async () => Object.values(await sandbox.calls()).reduce((s, n) => s + n, 0);

/** JSON-ish junk: any value, or a body that looks almost right. */
const junkBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc
    .record(
      {
        amount: fc.oneof(fc.double(), fc.string(), fc.constant(null)),
        currency: fc.string({ maxLength: 5 }),
        orderId: fc.string({ maxLength: 120 }),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);

function expectProblem(res: Called) {
  expect(res.status).not.toBe(500);
  if (res.status >= 400) {
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    expect(typeof res.body?.code).toBe("string");
  }
}

describe("fuzzed requests", () => {
  it("answers junk bodies on every route with 400 (or 404 for an unknown order or token) and no upstream call", async () => {
    const bearer = { payments: await token("payments"), pos: await token("pos"), deposits: await token("deposits") };
    const before = await totalCalls();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), junkBody, async ([method, path, scope], rawBody) => {
        const res = await call(method, path, {
          rawBody,
          headers: { Authorization: `Bearer ${bearer[scope as keyof typeof bearer]}`, "Idempotency-Key": "fz" },
        });
        expectProblem(res);
        expect([400, 404, 409, 422]).toContain(res.status);
      }),
      { numRuns: 700 },
    );
    expect(await totalCalls()).toBe(before);
  });

  it("answers fuzzed path parameters and headers without a 500", async () => {
    const bearer = await token("payments pos deposits");
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 130 }),
        fc.constantFrom("/v1/payments/", "/v1/deposits/", "/v1/preapproved/"),
        fc.option(fc.string({ maxLength: 300 })),
        async (segment, prefix, idempotencyKey) => {
          const headers: Record<string, string> = { Authorization: `Bearer ${bearer}` };
          if (idempotencyKey !== null && /^[\x20-\x7e]*$/.test(idempotencyKey))
            headers["Idempotency-Key"] = idempotencyKey;
          const res = await call("GET", prefix + encodeURIComponent(segment), { headers });
          expectProblem(res);
          const refund = await call("POST", `/v1/payments/${encodeURIComponent(segment)}/refund`, {
            body: {},
            headers,
          });
          expectProblem(refund);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("answers fuzzed Authorization headers with 401, never a 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.base64String().map((s) => `Bearer ${s}.${s}.${s}`),
        ),
        async (header) => {
          if (!/^[\x20-\x7e]*$/.test(header)) return;
          const res = await call("GET", "/v1/payments/x", { headers: { Authorization: header } });
          expect(res.status).toBe(401);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("accepts every POS pay that follows the contract", async () => {
    const amountFor = {
      JPY: fc.integer({ min: 1, max: 1_000_000 }),
      TWD: fc.integer({ min: 1, max: 1_000_000 }),
      THB: fc.integer({ min: 1, max: 10_000_000 }).map((c) => c / 100),
      USD: fc.integer({ min: 1, max: 10_000_000 }).map((c) => c / 100),
    };
    const valid = fc.constantFrom("JPY", "TWD", "THB", "USD").chain((currency) =>
      fc.record({
        productName: fc.string({ minLength: 1, maxLength: 60 }),
        amount: amountFor[currency as keyof typeof amountFor],
        currency: fc.constant(currency),
        capture: fc.boolean(),
        oneTimeKey: fc.constantFrom(12, 18, 19).chain((n) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`))),
      }),
    );
    await fc.assert(
      fc.asyncProperty(valid, async (body) => {
        const orderId = `fz-${crypto.randomUUID()}`;
        const res = await call("POST", "/v1/pos/payments", { scope: "pos", body: { ...body, orderId } });
        // Accepted by the gateway: LINE Pay's own answer decides (a reused random key is declined).
        expect([200, 402]).toContain(res.status);
        if (res.status === 200)
          expect(res.body).toMatchObject({
            orderId,
            amount: body.amount,
            currency: body.currency,
            state: body.capture ? "CAPTURED" : "AUTHORIZED",
          });
      }),
      { numRuns: 150 },
    );
  });
});
