/**
 * Offline v4 (POS) operations against a fake upstream: exact paths and body bytes, a v3
 * signature that holds over what was on the wire (recomputed here, not with sign.ts), no
 * channel secret anywhere in the headers, the terminal headers, lossless 19-digit ids, and the
 * same lost/refused line as every other LINE Pay call.
 */
import { describe, expect, it } from "vitest";
import { createLinePayClient, type LinePayClient } from "../../linepay/client";
import type { LinePayClientOptions } from "../../linepay/types";
import { type Captured, envelope, expectSignedAsSent, fakeUpstream, SECRET, testOptions, TX } from "./fake-upstream";

const v4 = (overrides: Partial<LinePayClientOptions> = {}) => testOptions({ offlineVersion: "v4", ...overrides });

const pay = {
  productName: "coffee 咖啡",
  amount: 120,
  currency: "TWD" as const,
  orderId: "POS/0001",
  oneTimeKey: "123456789012345678",
};

const REFUND_TX = "2026112300000000777";

/** Signed as sent, and the secret in no header under any name (v2 sends it in clear). */
async function expectV4Headers(req: Captured, deviceProfileId: string | null): Promise<void> {
  await expectSignedAsSent(req);
  for (const [name, value] of req.headers) expect([name, value.includes(SECRET)]).toEqual([name, false]);
  expect(req.headers.get("X-LINE-MerchantDeviceType")).toBe("POS");
  expect(req.headers.get("X-LINE-MerchantDeviceProfileId")).toBe(deviceProfileId);
}

describe("offline v4 (POS): pay", () => {
  it("pays on /v4 with the one documented body, signed over its exact bytes", async () => {
    const up = fakeUpstream(() =>
      envelope(
        "0000",
        `{"transactionId":${TX},"orderId":"POS/0001","transactionDate":"2026-11-23T01:02:03Z",` +
          `"payInfo":[{"method":"BALANCE","amount":120}],"paymentProvider":"EPI"}`,
      ),
    );
    const lp = createLinePayClient(v4({ fetch: up.fetch, deviceProfileId: "configured-term" }));
    const outcome = await lp.posPay(pay, { deviceProfileId: "counter-3" });
    const req = up.calls[0]!;
    expect([req.method, req.path, req.query]).toEqual(["POST", "/v4/payments/oneTimeKeys/pay", ""]);
    expect(req.body).toBe(
      '{"amount":120,"currency":"TWD","orderId":"POS/0001","oneTimeKey":"123456789012345678",' +
        '"packages":[{"id":"pos","amount":120,"products":[{"name":"coffee 咖啡","quantity":1,"price":120}]}]}',
    );
    await expectV4Headers(req, "counter-3");
    expect(outcome).toMatchObject({ kind: "success", info: { transactionId: TX, paymentProvider: "EPI" } });
    expect(up.calls).toHaveLength(1);
  });

  it("puts capture into options.payment and extras into options.extra, and nothing else", async () => {
    const up = fakeUpstream();
    const lp = createLinePayClient(v4({ fetch: up.fetch }));
    await lp.posPay({ ...pay, capture: false, extras: { branchName: "Main", branchId: "b1" } });
    await lp.posPay({ ...pay, capture: true });
    const bodies = up.calls.map((c) => JSON.parse(c.body) as Record<string, unknown>);
    expect(bodies.map((b) => b.options)).toEqual([
      { payment: { capture: false }, extra: { branchName: "Main", branchId: "b1" } },
      { payment: { capture: true } },
    ]);
    // v2's flat fields stay out of the v4 body.
    for (const b of bodies)
      expect(Object.keys(b)).toEqual(["amount", "currency", "orderId", "oneTimeKey", "packages", "options"]);
    for (const c of up.calls) await expectV4Headers(c, null);
  });

  it("falls back to the configured terminal when the request names none", async () => {
    const up = fakeUpstream();
    await createLinePayClient(v4({ fetch: up.fetch, deviceProfileId: "configured-term" })).posPay(pay);
    await expectV4Headers(up.calls[0]!, "configured-term");
  });
});

describe("offline v4 (POS): the orderId endpoints", () => {
  const ORDER = "POS/0001 #1";

  it("keys every call by the encoded orderId on /v4, each signed as sent with the terminal headers", async () => {
    const up = fakeUpstream((req) => envelope("0000", req.path.endsWith("/check") ? { status: "COMPLETE" } : "[]"));
    const lp = createLinePayClient(v4({ fetch: up.fetch, deviceProfileId: "t1" }));
    await lp.posCheck(ORDER);
    await lp.posVoid(ORDER);
    await lp.posCapture(ORDER, { amount: 120, currency: "TWD" });
    await lp.posRefund(ORDER, {});
    await lp.posRefund(ORDER, { refundAmount: 20 });
    await lp.posAuthorizations(ORDER);
    await lp.posDetails(ORDER);
    expect(up.calls.map((c) => [c.method, c.path, c.method === "GET" ? c.query : c.body, c.hadBody])).toEqual([
      ["GET", "/v4/payments/orders/POS%2F0001%20%231/check", "", false],
      // No documented void body: none sent, "" signed.
      ["POST", "/v4/payments/orders/POS%2F0001%20%231/void", "", false],
      ["POST", "/v4/payments/orders/POS%2F0001%20%231/capture", '{"amount":120,"currency":"TWD"}', true],
      ["POST", "/v4/payments/orders/POS%2F0001%20%231/refund", "{}", true],
      ["POST", "/v4/payments/orders/POS%2F0001%20%231/refund", '{"refundAmount":20}', true],
      ["GET", "/v4/payments/authorizations", "orderId=POS%2F0001+%231", false],
      ["GET", "/v4/payments", "orderId=POS%2F0001+%231", false],
    ]);
    for (const c of up.calls) await expectV4Headers(c, "t1");
  });

  it("reads every 19-digit id in the answers as its exact digits", async () => {
    const answers: Record<string, string> = {
      check: `{"status":"COMPLETE","transactionId":${TX},"orderId":"o","payInfo":[{"method":"BALANCE","amount":120}]}`,
      refund: `{"refundTransactionId":${REFUND_TX},"refundTransactionDate":"2026-11-23T01:02:03Z"}`,
      authorizations: `[{"transactionId":${TX},"orderId":"o","payStatus":"AUTHORIZATION","payInfo":[]}]`,
      details:
        `[{"transactionId":${TX},"orderId":"o","payInfo":[],` +
        `"refundList":[{"refundTransactionId":${REFUND_TX},"refundAmount":-20}]}]`,
    };
    const up = fakeUpstream((req) => {
      const op = req.path.endsWith("/check")
        ? "check"
        : req.path.endsWith("/refund")
          ? "refund"
          : req.path.endsWith("/authorizations")
            ? "authorizations"
            : "details";
      return envelope("0000", answers[op]);
    });
    const lp = createLinePayClient(v4({ fetch: up.fetch }));
    const check = await lp.posCheck("o");
    const refund = await lp.posRefund("o");
    const auths = await lp.posAuthorizations("o");
    const details = await lp.posDetails("o");
    expect(check.kind === "success" && check.info.transactionId).toBe(TX);
    expect(refund.kind === "success" && refund.info.refundTransactionId).toBe(REFUND_TX);
    expect(auths.kind === "success" && auths.info[0]!.transactionId).toBe(TX);
    expect(details.kind === "success" && [details.info[0]!.transactionId, details.info[0]!.refundList![0]!]).toEqual([
      TX,
      { refundTransactionId: REFUND_TX, refundAmount: -20 },
    ]);
  });
});

/** Every v4 offline operation, for the classification table. */
const OPERATIONS: [string, (lp: LinePayClient) => Promise<unknown>][] = [
  ["pay", (lp) => lp.posPay(pay)],
  ["check", (lp) => lp.posCheck("o")],
  ["void", (lp) => lp.posVoid("o")],
  ["capture", (lp) => lp.posCapture("o", { amount: 120, currency: "TWD" })],
  ["refund", (lp) => lp.posRefund("o", { refundAmount: 20 })],
  ["authorizations", (lp) => lp.posAuthorizations("o")],
  ["details", (lp) => lp.posDetails("o")],
];

const hangs = () =>
  fakeUpstream(
    (req) => new Promise<never>((_, reject) => req.signal?.addEventListener("abort", () => reject(req.signal!.reason))),
  );

describe("offline v4 (POS): lost or refused", () => {
  it.each(OPERATIONS)("%s: no answer within its read timeout is lost, never a refusal", async (name, call) => {
    const up = hangs();
    // The pay has its own read timeout; the others use timeoutMs. The other one is too long to matter.
    const lp = createLinePayClient(
      v4(
        name === "pay"
          ? { fetch: up.fetch, posTimeoutMs: 30, timeoutMs: 60_000 }
          : { fetch: up.fetch, posTimeoutMs: 60_000, timeoutMs: 30 },
      ),
    );
    expect(await call(lp)).toMatchObject({
      kind: "lost",
      reason: "timeout",
      detail: "no complete answer within 30 ms",
    });
    expect(up.calls).toHaveLength(1);
  });

  it.each(OPERATIONS)("%s: an HTTP 5xx is lost, whatever its body says", async (_name, call) => {
    const lp = createLinePayClient(v4({ fetch: fakeUpstream(() => envelope("1133", undefined, 502)).fetch }));
    expect(await call(lp)).toMatchObject({ kind: "lost", reason: "http", httpStatus: 502 });
  });

  it.each(OPERATIONS)("%s: a LINE Pay refusal code is refused, with its code", async (_name, call) => {
    const lp = createLinePayClient(v4({ fetch: fakeUpstream(() => envelope("1150")).fetch }));
    expect(await call(lp)).toEqual({
      kind: "refused",
      category: "refused",
      returnCode: "1150",
      returnMessage: "message for 1150",
    });
  });

  it.each([
    ["1133", "declined"],
    ["1172", "duplicate"],
    ["1199", "temporary"],
  ])("pay: %s is refused as %s, as on v2", async (code, category) => {
    const lp = createLinePayClient(v4({ fetch: fakeUpstream(() => envelope(code)).fetch }));
    expect(await lp.posPay(pay)).toMatchObject({ kind: "refused", category, returnCode: code });
  });
});
