/**
 * Merchant secrets at rest: every table of the merchant object is scanned for every secret (and
 * its base64 forms); each sealed column names its kid, merchant and field; a MERCHANT_KEYS
 * rotation re-seals on the next read; a ciphertext moved to another merchant or field, or a kid
 * MERCHANT_KEYS lost, never opens and is answered as a configuration problem, not a secret.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { forgetMerchant } from "../../durable-objects/merchant/directory";
import { MerchantObject } from "../../durable-objects/merchant/merchant-object";
import { protectedHeader } from "../../durable-objects/sealed-jwe";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { dumpMerchant, merchantToken, newWhsec, registerMerchant } from "../support/merchants";

const randomKey = () =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
const current = () => JSON.parse(env.MERCHANT_KEYS) as { active: string; keys: Record<string, string> };

type Row = Record<string, string | null>;
const rowOf = (merchantId: string): Promise<Row> =>
  runInDurableObject(env.MERCHANTS.getByName(merchantId), (_i, state) => {
    return state.storage.sql.exec("SELECT * FROM merchant").toArray()[0] as Row;
  });
const SEALED = ["channel_secret", "events_webhook_secret", "deposit_webhook_secrets"] as const;

/** Runs `work` on the merchant object's storage under another MERCHANT_KEYS (as after a deploy). */
const withKeys = <T>(merchantId: string, keys: string, work: (object: MerchantObject) => Promise<T>) =>
  runInDurableObject(env.MERCHANTS.getByName(merchantId), (_i, state) =>
    work(new MerchantObject(state, { ...env, MERCHANT_KEYS: keys })),
  );

describe("merchant secrets at rest", () => {
  it("stores no secret in clear, each sealed under MERCHANT_KEYS and bound to its merchant and field", async () => {
    const rotating = newWhsec();
    const m = await registerMerchant();
    await call("PUT", `/v1/merchants/${m.merchantId}`, {
      scope: "admin",
      body: {
        channelId: m.channelId,
        eventsWebhookUrl: "https://shop.example/events",
        depositWebhookSecret: `${rotating} ${m.depositWebhookSecret}`,
      },
    });
    const stored = await dumpMerchant(m.merchantId);
    expect(stored).toContain(m.channelId);
    const secrets = [m.channelSecret, m.eventsWebhookSecret, m.depositWebhookSecret, rotating];
    const forms = secrets.flatMap((s) => [s, s.replace(/^whsec_/, ""), btoa(s), btoa(s).replace(/=+$/, "")]);
    for (const form of [...forms, ...Object.values(current().keys)]) expect(stored).not.toContain(form);

    const row = await rowOf(m.merchantId);
    const fields = {
      channel_secret: "channelSecret",
      events_webhook_secret: "eventsWebhookSecret",
      deposit_webhook_secrets: "depositWebhookSecrets",
    };
    for (const column of SEALED) {
      expect(protectedHeader(row[column]!)).toEqual({
        alg: "dir",
        enc: "A256GCM",
        kid: current().active,
        mid: m.merchantId,
        fld: fields[column],
      });
    }
  });

  it("re-seals every secret under the new active kid on the next read after a rotation, and still opens them", async () => {
    const m = await registerMerchant();
    const rotated = JSON.stringify({ active: "k2", keys: { ...current().keys, k2: randomKey() } });
    const opened = await withKeys(m.merchantId, rotated, (object) => object.merchant());
    expect(opened?.channel.channelSecret).toBe(m.channelSecret);
    const row = await rowOf(m.merchantId);
    for (const column of SEALED) expect(protectedHeader(row[column]!)?.kid).toBe("k2");
    // The old key can go now: the new one alone opens everything.
    const onlyNew = JSON.stringify({ active: "k2", keys: { k2: JSON.parse(rotated).keys.k2 } });
    const again = await withKeys(m.merchantId, onlyNew, (object) => object.merchant());
    expect(again).toEqual(opened);
    expect(again?.eventsWebhookSecret).toBe(m.eventsWebhookSecret);
    expect(again?.depositWebhookSecrets).toEqual([m.depositWebhookSecret]);
  });

  it("re-seals the secrets a PUT keeps under the new active kid too", async () => {
    const m = await registerMerchant();
    const rotated = JSON.stringify({ active: "k3", keys: { ...current().keys, k3: randomKey() } });
    const put = await withKeys(m.merchantId, rotated, (object) =>
      object.upsert({ merchantId: m.merchantId, channelId: m.channelId, offlineVersion: "v2" }),
    );
    expect(put).toMatchObject({ created: false });
    const row = await rowOf(m.merchantId);
    for (const column of SEALED) expect(protectedHeader(row[column]!)?.kid).toBe("k3");
    const opened = await withKeys(m.merchantId, rotated, (object) => object.merchant());
    expect(opened?.channel.channelSecret).toBe(m.channelSecret);
    expect(opened?.depositWebhookSecrets).toEqual([m.depositWebhookSecret]);
  });

  it("names the kid MERCHANT_KEYS no longer holds, and never a secret", async () => {
    const m = await registerMerchant();
    const lost = JSON.stringify({ active: "k9", keys: { k9: randomKey() } });
    const error = await withKeys(m.merchantId, lost, (object) => object.merchant()).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain(`MERCHANT_KEYS has no key "${current().active}"`);
    expect(error!.message).not.toContain(m.channelSecret);
  });

  it("opens no ciphertext moved to another merchant or another field, and the caller gets a 500 naming MERCHANT_KEYS", async () => {
    const a = await registerMerchant();
    const b = await registerMerchant();
    const stolen = (await rowOf(a.merchantId)).channel_secret;
    const write = (merchantId: string, column: string, value: string | null | undefined) =>
      runInDurableObject(env.MERCHANTS.getByName(merchantId), (_i, state) => {
        state.storage.sql.exec(`UPDATE merchant SET ${column} = ?`, value ?? null);
      });

    await write(b.merchantId, "channel_secret", stolen);
    forgetMerchant(b.merchantId);
    const res = await call("POST", "/v1/payments", {
      body: reserveBody(uniqueId()),
      headers: { Authorization: `Bearer ${await merchantToken(b.merchantId)}` },
    });
    expect(res.status).toBe(500);
    expect(res.body.code).toBe("configuration_error");
    expect(res.body.detail).toContain("MERCHANT_KEYS");
    for (const secret of [a.channelSecret, b.channelSecret]) expect(res.text).not.toContain(secret);

    // Within one merchant: its events secret's ciphertext in the channel secret's place.
    await write(a.merchantId, "channel_secret", (await rowOf(a.merchantId)).events_webhook_secret);
    await expect(withKeys(a.merchantId, env.MERCHANT_KEYS, (o) => o.merchant())).rejects.toThrow(/MERCHANT_KEYS/);
  });
});
