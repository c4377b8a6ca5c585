/**
 * Which Offline API the client speaks: `offlineVersion` picks the pos* module (v2 when absent)
 * and touches nothing else; `LINEPAY_OFFLINE_VERSION` sets it from the environment.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createLinePayClient } from "../../linepay/client";
import { ConfigError, readConfig } from "../../model/config";
import { fakeUpstream, SECRET, testOptions } from "./fake-upstream";

const pay = { productName: "tea", amount: 50, currency: "THB" as const, orderId: "ver-1", oneTimeKey: "123456789012" };

describe("offlineVersion", () => {
  it.each([
    [undefined, "/v2/payments/oneTimeKeys/pay", true],
    ["v2" as const, "/v2/payments/oneTimeKeys/pay", true],
    ["v4" as const, "/v4/payments/oneTimeKeys/pay", false],
  ])("%s pays on %s", async (offlineVersion, path, secretHeader) => {
    const up = fakeUpstream();
    await createLinePayClient(testOptions({ fetch: up.fetch, offlineVersion })).posPay(pay);
    expect([up.calls[0]!.path, up.calls[0]!.headers.get("X-LINE-ChannelSecret") === SECRET]).toEqual([
      path,
      secretHeader,
    ]);
  });

  it("leaves the online calls on their own version", async () => {
    const up = fakeUpstream();
    const lp = createLinePayClient(testOptions({ fetch: up.fetch, offlineVersion: "v4", onlineVersion: "v3" }));
    await lp.details({ orderIds: ["o"] });
    await lp.posDetails("o");
    expect(up.calls.map((c) => c.path)).toEqual(["/v3/payments", "/v4/payments"]);
  });
});

describe("LINEPAY_OFFLINE_VERSION", () => {
  it("is v2 unless set, and v4 when set so", () => {
    expect(readConfig({ ...env, LINEPAY_OFFLINE_VERSION: "" }).linePay.offlineVersion).toBe("v2");
    expect(readConfig({ ...env }).linePay.offlineVersion).toBe("v2");
    expect(readConfig({ ...env, LINEPAY_OFFLINE_VERSION: " v4 " }).linePay.offlineVersion).toBe("v4");
  });

  it.each(["v3", "V4", "4", "v2.4"])("refuses %s with an error that names the variable", (value) => {
    expect(() => readConfig({ ...env, LINEPAY_OFFLINE_VERSION: value })).toThrow(
      new ConfigError("LINEPAY_OFFLINE_VERSION must be v2 or v4"),
    );
  });
});
