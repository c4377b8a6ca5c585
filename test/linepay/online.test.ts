/**
 * Online v3/v4 operations against a fake upstream: method, path, exact body and query, and a
 * signature recomputed here over exactly what was captured on the wire.
 */
import { describe, expect, it } from "vitest";
import { createLinePayClient } from "../../linepay/client";
import { envelope, expectSignedAsSent, fakeUpstream, testOptions, TX } from "./fake-upstream";

describe("online v3", () => {
  it("confirms with the body it signed", async () => {
    const up = fakeUpstream(() => envelope("0000", `{"orderId":"O-1","transactionId":${TX},"payInfo":[]}`));
    const lp = createLinePayClient(testOptions({ fetch: up.fetch }));
    const outcome = await lp.confirm(TX, { amount: 100, currency: "TWD" });
    const req = up.calls[0]!;
    expect([req.method, req.url.origin, req.path]).toEqual([
      "POST",
      "https://api.linepay.test",
      `/v3/payments/${TX}/confirm`,
    ]);
    expect(req.body).toBe('{"amount":100,"currency":"TWD"}');
    await expectSignedAsSent(req);
    expect(outcome.kind === "success" && outcome.info.transactionId).toBe(TX);
  });

  it("signs a UTF-8 body byte for byte (request)", async () => {
    const up = fakeUpstream(() =>
      envelope(
        "0000",
        `{"transactionId":${TX},"paymentAccessToken":"123456789012","paymentUrl":{"web":"w","app":"a"}}`,
      ),
    );
    const lp = createLinePayClient(testOptions({ fetch: up.fetch }));
    const body = {
      amount: 100,
      currency: "TWD",
      orderId: "訂單-1",
      packages: [{ id: "p", amount: 100, products: [{ name: "測試商品", quantity: 1, price: 100 }] }],
    };
    const outcome = await lp.request(body);
    expect(up.calls[0]!.path).toBe("/v3/payments/request");
    expect(up.calls[0]!.body).toBe(JSON.stringify(body));
    await expectSignedAsSent(up.calls[0]!);
    expect(outcome).toMatchObject({ kind: "success", info: { transactionId: TX, paymentUrl: { web: "w" } } });
  });

  it("captures on the authorizations path", async () => {
    const up = fakeUpstream();
    await createLinePayClient(testOptions({ fetch: up.fetch })).capture(TX, { amount: 5, currency: "THB" });
    expect(up.calls[0]!.path).toBe(`/v3/payments/authorizations/${TX}/capture`);
    expect(up.calls[0]!.body).toBe('{"amount":5,"currency":"THB"}');
    await expectSignedAsSent(up.calls[0]!);
  });

  it("voids with no body at all and signs the empty string", async () => {
    const up = fakeUpstream();
    await createLinePayClient(testOptions({ fetch: up.fetch })).void(TX);
    expect(up.calls[0]!.path).toBe(`/v3/payments/authorizations/${TX}/void`);
    expect(up.calls[0]!.hadBody).toBe(false);
    await expectSignedAsSent(up.calls[0]!);
  });

  it("refunds everything with {} and a part with refundAmount", async () => {
    const up = fakeUpstream(() =>
      envelope("0000", `{"refundTransactionId":2026112300000000002,"refundTransactionDate":"2026-11-23T00:00:00Z"}`),
    );
    const lp = createLinePayClient(testOptions({ fetch: up.fetch }));
    const all = await lp.refund(TX, {});
    await lp.refund(TX, { refundAmount: 40 });
    expect(up.calls.map((c) => [c.path, c.body])).toEqual([
      [`/v3/payments/${TX}/refund`, "{}"],
      [`/v3/payments/${TX}/refund`, '{"refundAmount":40}'],
    ]);
    await expectSignedAsSent(up.calls[1]!);
    expect(all.kind === "success" && all.info.refundTransactionId).toBe("2026112300000000002");
  });

  it("queries details with repeated parameters, signs the query, and keeps ids exact", async () => {
    const info = `[{"transactionId":${TX},"orderId":"O 1&x","payStatus":"CAPTURE","refundList":[{"refundTransactionId":9223372036854775807,"refundAmount":-10}]}]`;
    const up = fakeUpstream(() => envelope("0000", info));
    const lp = createLinePayClient(testOptions({ fetch: up.fetch }));
    const outcome = await lp.details({ transactionIds: [TX, "2026112300000000009"], orderIds: ["O 1&x"] });
    const req = up.calls[0]!;
    expect([req.method, req.path, req.hadBody]).toEqual(["GET", "/v3/payments", false]);
    expect(req.url.searchParams.getAll("transactionId")).toEqual([TX, "2026112300000000009"]);
    expect(req.url.searchParams.getAll("orderId")).toEqual(["O 1&x"]);
    await expectSignedAsSent(req);
    expect(outcome.kind === "success" && outcome.info).toEqual([
      {
        transactionId: TX,
        orderId: "O 1&x",
        payStatus: "CAPTURE",
        refundList: [{ refundTransactionId: "9223372036854775807", refundAmount: -10 }],
      },
    ]);
  });

  it("reads a details answer without an array as nothing found", async () => {
    const lp = createLinePayClient(testOptions({ fetch: fakeUpstream(() => envelope("0000")).fetch }));
    expect(await lp.details({ orderIds: ["O"] })).toMatchObject({ kind: "success", info: [] });
  });

  it("takes every status-check code as a success, with info {} when absent", async () => {
    for (const code of ["0000", "0110", "0121", "0122", "0123"]) {
      const up = fakeUpstream(() => envelope(code));
      const outcome = await createLinePayClient(testOptions({ fetch: up.fetch })).checkStatus(TX);
      expect(outcome).toEqual({ kind: "success", returnCode: code, returnMessage: `message for ${code}`, info: {} });
      expect(up.calls[0]!.path).toBe(`/v3/payments/requests/${TX}/check`);
      expect(up.calls[0]!.query).toBe("");
      await expectSignedAsSent(up.calls[0]!);
    }
    const refused = await createLinePayClient(
      testOptions({ fetch: fakeUpstream(() => envelope("1150")).fetch }),
    ).checkStatus(TX);
    expect(refused).toMatchObject({ kind: "refused", returnCode: "1150" });
  });

  it("pays on a regKey with only LINE Pay's fields", async () => {
    const up = fakeUpstream(() => envelope("0000", `{"transactionId":${TX},"transactionDate":"2026-11-23T00:00:00Z"}`));
    const lp = createLinePayClient(testOptions({ fetch: up.fetch }));
    const body = {
      productName: "測試商品",
      amount: 100,
      currency: "TWD" as const,
      orderId: "ORDER-0002",
      regKeyToken: "rk_leak",
    };
    const outcome = await lp.payPreapproved("RK9A2BA1942EQTO", body);
    expect(up.calls[0]!.path).toBe("/v3/payments/preapprovedPay/RK9A2BA1942EQTO/payment");
    expect(up.calls[0]!.body).toBe('{"productName":"測試商品","amount":100,"currency":"TWD","orderId":"ORDER-0002"}');
    await expectSignedAsSent(up.calls[0]!);
    expect(outcome.kind === "success" && outcome.info.transactionId).toBe(TX);
    await lp.payPreapproved("RK9A2BA1942EQTO", { ...body, capture: false });
    expect(JSON.parse(up.calls[1]!.body)).toMatchObject({ capture: false });
  });

  it("checks and expires regKeys", async () => {
    const up = fakeUpstream((req) => envelope(req.path.endsWith("/check") ? "1193" : "0000"));
    const lp = createLinePayClient(testOptions({ fetch: up.fetch }));
    expect(await lp.checkRegKey("RK1")).toMatchObject({ kind: "refused", category: "refused", returnCode: "1193" });
    await lp.checkRegKey("RK1", { creditCardAuth: true });
    expect(await lp.expireRegKey("RK1")).toMatchObject({ kind: "success" });
    expect(up.calls.map((c) => [c.method, c.path, c.query])).toEqual([
      ["GET", "/v3/payments/preapprovedPay/RK1/check", ""],
      ["GET", "/v3/payments/preapprovedPay/RK1/check", "creditCardAuth=true"],
      ["POST", "/v3/payments/preapprovedPay/RK1/expire", ""],
    ]);
    for (const c of up.calls) await expectSignedAsSent(c);
    expect(up.calls[2]!.hadBody).toBe(false);
  });

  it("uses the /v4 prefix when configured, with the same signing", async () => {
    const up = fakeUpstream(() =>
      envelope("0000", `{"orderId":"O","transactionId":${TX},"payInfo":[],"paymentProvider":"TSP"}`),
    );
    const lp = createLinePayClient(
      testOptions({ fetch: up.fetch, onlineVersion: "v4", apiBase: "https://api.linepay.test/" }),
    );
    const outcome = await lp.confirm(TX, { amount: 1, currency: "TWD" });
    await lp.details({ transactionIds: [TX] });
    expect(up.calls.map((c) => c.path)).toEqual([`/v4/payments/${TX}/confirm`, "/v4/payments"]);
    for (const c of up.calls) await expectSignedAsSent(c);
    expect(outcome.kind === "success" && outcome.info.paymentProvider).toBe("TSP");
  });

  it("URL-encodes ids in paths", async () => {
    const up = fakeUpstream();
    await createLinePayClient(testOptions({ fetch: up.fetch })).confirm("../x y", { amount: 1, currency: "TWD" });
    expect(up.calls[0]!.path).toBe("/v3/payments/..%2Fx%20y/confirm");
    await expectSignedAsSent(up.calls[0]!);
  });
});
