import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("reaches the sandbox through the outbound route and a DO", async () => {
    const res = await exports.default.fetch("http://gw/x");
    expect(await res.text()).toContain("sandbox");
    const stub = env.ORDERS.getByName("a");
    expect(await stub.ping()).toBe("pong");
    await env.REGKEYS.put("k", "v");
    expect(await env.REGKEYS.get("k")).toBe("v");
  });
});
