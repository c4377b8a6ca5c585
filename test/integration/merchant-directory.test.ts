/**
 * The merchant directory's per-isolate cache: a change made through this isolate is seen by the
 * next lookup; a cached lookup makes no RPC (the MERCHANTS binding is wrapped to count them);
 * after MERCHANT_CACHE_TTL_MS it asks the merchant object again; unknown ids are cached too.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MERCHANT_CACHE_TTL_MS, forgetMerchant, merchantFor } from "../../durable-objects/merchant/directory";
import { advanceClock, useTestClock } from "../support/clock";
import { uniqueId } from "../support/gateway";
import { admin, newChannelId, newChannelSecret, registerMerchant } from "../support/merchants";

/** The real binding, counting the stubs asked for (each lookup of a record is one). */
function counted(): { env: Env; rpcs: () => number } {
  let count = 0;
  const MERCHANTS = {
    getByName: (name: string) => {
      count += 1;
      return env.MERCHANTS.getByName(name);
    },
  } as unknown as Env["MERCHANTS"];
  return { env: { ...env, MERCHANTS }, rpcs: () => count };
}

describe("merchant directory", () => {
  it("uses a rotated channelSecret from the next lookup in the isolate that took the PUT", async () => {
    const m = await registerMerchant();
    expect((await merchantFor(env, m.merchantId))?.channel.channelSecret).toBe(m.channelSecret);
    const rotated = newChannelSecret();
    expect((await admin("PUT", m.merchantId, { channelId: m.channelId, channelSecret: rotated })).status).toBe(200);
    expect((await merchantFor(env, m.merchantId))?.channel.channelSecret).toBe(rotated);
    // A new channel, with its secret: both change together.
    const moved = { channelId: newChannelId(), channelSecret: newChannelSecret() };
    await admin("PUT", m.merchantId, moved);
    expect((await merchantFor(env, m.merchantId))?.channel).toEqual(moved);
  });

  it("serves a cached lookup without an RPC, shares one RPC between concurrent misses, and asks again after the TTL", async () => {
    useTestClock();
    const m = await registerMerchant();
    const { env: counting, rpcs } = counted();
    forgetMerchant(m.merchantId);
    const all = await Promise.all(Array.from({ length: 10 }, () => merchantFor(counting, m.merchantId)));
    expect(rpcs()).toBe(1);
    expect(new Set(all.map((x) => x?.channel.channelSecret))).toEqual(new Set([m.channelSecret]));
    for (let i = 0; i < 50; i++) await merchantFor(counting, m.merchantId);
    expect(rpcs()).toBe(1);
    advanceClock(MERCHANT_CACHE_TTL_MS - 100);
    await merchantFor(counting, m.merchantId);
    expect(rpcs()).toBe(1);
    advanceClock(200);
    expect((await merchantFor(counting, m.merchantId))?.merchantId).toBe(m.merchantId);
    expect(rpcs()).toBe(2);
  });

  it("caches an unknown id too, and a PUT through this isolate is seen at once", async () => {
    const merchantId = uniqueId("later");
    const { env: counting, rpcs } = counted();
    expect(await merchantFor(counting, merchantId)).toBeUndefined();
    expect(await merchantFor(counting, merchantId)).toBeUndefined();
    expect(rpcs()).toBe(1);
    const channel = { channelId: newChannelId(), channelSecret: newChannelSecret() };
    expect((await admin("PUT", merchantId, channel)).status).toBe(201);
    expect((await merchantFor(counting, merchantId))?.channel).toEqual(channel);
    expect(rpcs()).toBe(2);
    await admin("DELETE", merchantId);
    expect((await merchantFor(counting, merchantId))?.status).toBe("DISABLED");
  });

  it("answers default from the configuration and an impossible id with nothing, both without an RPC", async () => {
    const { env: counting, rpcs } = counted();
    const fallback = await merchantFor(counting, "default");
    expect(fallback).toMatchObject({
      merchantId: "default",
      channel: { channelId: env.LINEPAY_CHANNEL_ID, channelSecret: env.LINEPAY_CHANNEL_SECRET },
      deviceProfileId: env.LINEPAY_DEVICE_PROFILE_ID,
      offlineVersion: "v2",
      depositWebhookSecrets: env.DEPOSIT_WEBHOOK_SECRET.split(" "),
      status: "ACTIVE",
    });
    for (const id of ["", "a".repeat(65), "shop:1", "m:x:", "café"]) {
      expect(await merchantFor(counting, id)).toBeUndefined();
    }
    expect(rpcs()).toBe(0);
  });
});
