/**
 * The Partner Deposit adapter against a fake upstream: body mapping, v3 signing, its own table.
 */
import { describe, expect, it } from "vitest";
import { createLinePayClient } from "../../linepay/client";
import { envelope, expectSignedAsSent, fakeUpstream, testOptions, TX } from "./fake-upstream";

describe("Partner Deposit", () => {
  it("maps the deposit to LINE Pay's body and signs it like v3", async () => {
    const up = fakeUpstream(() =>
      envelope("0000", `{"transactionId":${TX},"transactionDate":"2026-11-23T00:00:00Z","fee":50}`),
    );
    const lp = createLinePayClient(testOptions({ fetch: up.fetch }));
    const outcome = await lp.deposit({
      depositId: "dep-1",
      linePayNumber: "01234567890",
      amount: 1000,
      currency: "JPY",
      phoneLast4: "5678",
    });
    const req = up.calls[0]!;
    expect([req.method, req.path]).toEqual(["POST", "/v1/partner-deposits"]);
    expect(req.body).toBe(
      '{"referenceNo":"01234567890","amount":1000,"currency":"JPY","orderId":"dep-1","phoneLast4":"5678"}',
    );
    await expectSignedAsSent(req);
    expect(outcome).toMatchObject({ kind: "success", info: { transactionId: TX, fee: 50 } });
    await lp.deposit({ depositId: "dep-2", linePayNumber: "01234567890", amount: 1, currency: "JPY" });
    expect(JSON.parse(up.calls[1]!.body)).toEqual({
      referenceNo: "01234567890",
      amount: 1,
      currency: "JPY",
      orderId: "dep-2",
    });
  });

  it("uses the deposit table: 1142 is the merchant's balance", async () => {
    const want = { "1142": "refused", "1101": "declined", "1172": "duplicate", "9000": "temporary" } as const;
    for (const [code, category] of Object.entries(want)) {
      const lp = createLinePayClient(testOptions({ fetch: fakeUpstream(() => envelope(code)).fetch }));
      expect(
        await lp.deposit({ depositId: "d", linePayNumber: "01234567890", amount: 1, currency: "JPY" }),
      ).toMatchObject({ kind: "refused", category });
    }
  });
});
