/**
 * Offline v2 (POS) operations against a fake upstream: static headers, the terminal header,
 * orderId-keyed paths and the pay's own read timeout.
 */
import { describe, expect, it } from "vitest";
import { createLinePayClient } from "../../linepay/client";
import { envelope, fakeUpstream, SECRET, testOptions, TX } from "./fake-upstream";

describe("offline v2 (POS)", () => {
  const pay = {
    productName: "coffee",
    amount: 120,
    currency: "TWD" as const,
    orderId: "POS/0001",
    oneTimeKey: "123456789012345678",
  };

  it("pays with the static headers and the request's terminal", async () => {
    const up = fakeUpstream(() =>
      envelope("0000", `{"transactionId":${TX},"orderId":"POS/0001","payInfo":[{"method":"BALANCE","amount":120}]}`),
    );
    const lp = createLinePayClient(
      testOptions({ fetch: up.fetch, deviceProfileId: "configured-term", deviceType: "POS" }),
    );
    const outcome = await lp.posPay(pay, { deviceProfileId: "counter-3" });
    const req = up.calls[0]!;
    expect([req.method, req.path, req.body]).toEqual(["POST", "/v2/payments/oneTimeKeys/pay", JSON.stringify(pay)]);
    expect(req.headers.get("X-LINE-ChannelId")).toBe("1234567890");
    expect(req.headers.get("X-LINE-ChannelSecret")).toBe(SECRET);
    expect(req.headers.get("X-LINE-MerchantDeviceType")).toBe("POS");
    expect(req.headers.get("X-LINE-MerchantDeviceProfileId")).toBe("counter-3");
    expect(req.headers.has("X-LINE-Authorization")).toBe(false);
    expect(outcome.kind === "success" && outcome.info.transactionId).toBe(TX);
  });

  it("falls back to the configured terminal, and sends none when there is none", async () => {
    const up = fakeUpstream();
    await createLinePayClient(testOptions({ fetch: up.fetch, deviceProfileId: "configured-term" })).posPay(pay);
    await createLinePayClient(testOptions({ fetch: up.fetch })).posPay(pay);
    expect(up.calls.map((c) => c.headers.get("X-LINE-MerchantDeviceProfileId"))).toEqual(["configured-term", null]);
  });

  it("keys the order endpoints by the encoded orderId", async () => {
    const up = fakeUpstream((req) => envelope("0000", req.path.endsWith("/check") ? { status: "COMPLETE" } : "[]"));
    const lp = createLinePayClient(testOptions({ fetch: up.fetch, deviceProfileId: "t1" }));
    expect(await lp.posCheck("POS/0001")).toMatchObject({ kind: "success", info: { status: "COMPLETE" } });
    await lp.posVoid("POS/0001");
    await lp.posCapture("POS/0001", { amount: 120, currency: "TWD" });
    await lp.posRefund("POS/0001", {});
    await lp.posRefund("POS/0001", { refundAmount: 20 });
    expect(await lp.posAuthorizations("POS/0001")).toMatchObject({ kind: "success", info: [] });
    await lp.posDetails("POS/0001");
    expect(up.calls.map((c) => [c.method, c.path, c.method === "GET" ? c.query : c.body])).toEqual([
      ["GET", "/v2/payments/orders/POS%2F0001/check", ""],
      ["POST", "/v2/payments/orders/POS%2F0001/void", "{}"],
      ["POST", "/v2/payments/orders/POS%2F0001/capture", '{"amount":120,"currency":"TWD"}'],
      ["POST", "/v2/payments/orders/POS%2F0001/refund", "{}"],
      ["POST", "/v2/payments/orders/POS%2F0001/refund", '{"refundAmount":20}'],
      ["GET", "/v2/payments/authorizations", "orderId=POS%2F0001"],
      ["GET", "/v2/payments", "orderId=POS%2F0001"],
    ]);
    for (const c of up.calls)
      expect([c.headers.get("X-LINE-ChannelSecret"), c.headers.get("X-LINE-MerchantDeviceProfileId")]).toEqual([
        SECRET,
        "t1",
      ]);
  });

  it("gives the pay its own read timeout", async () => {
    const hang = fakeUpstream(
      (req) =>
        new Promise<never>((_, reject) => req.signal?.addEventListener("abort", () => reject(req.signal!.reason))),
    );
    const lp = createLinePayClient(testOptions({ fetch: hang.fetch, posTimeoutMs: 30, timeoutMs: 60_000 }));
    expect(await lp.posPay(pay)).toMatchObject({
      kind: "lost",
      reason: "timeout",
      detail: "no complete answer within 30 ms",
    });
  });
});
