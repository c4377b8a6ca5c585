/**
 * The regKey vault under key rotation and tampering. The lane object is run with another
 * REGKEY_KEYS (a second instance over the same storage, as after a deploy with new secrets),
 * and KV bytes are inspected directly.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { RegKeyLane } from "../../durable-objects/regkey/lane";
import { tokenId } from "../../model/regkey-token";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";

async function registeredToken(): Promise<{ token: string; tid: string; regKey: string }> {
  const orderId = uniqueId("sub");
  const reserve = await call("POST", "/v1/payments", {
    body: reserveBody(orderId, 500, "JPY", { payment: { payType: "PREAPPROVED" } }),
  });
  await sandbox.approve(reserve.body.transactionId);
  const confirm = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 500, currency: "JPY" } });
  const token = confirm.body.regKeyToken as string;
  return { token, tid: await tokenId(token), regKey: (await sandbox.regKey(orderId)).regKey };
}

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

const current = () => JSON.parse(env.REGKEY_KEYS) as { active: string; keys: Record<string, string> };

describe("regKey vault", () => {
  it("re-seals an entry under the new active kid after rotation, and the token still pays", async () => {
    const { tid } = await registeredToken();
    const before = await env.REGKEYS.get(`regkey:${tid}`);
    expect(decodeProtectedHeader(before!).kid).toBe("k1");
    const rotated = JSON.stringify({ active: "k2", keys: { ...current().keys, k2: randomKey() } });
    const stub = env.REGKEY_LANES.getByName(tid);
    await runInDurableObject(stub, async (_instance, state) => {
      const lane = new RegKeyLane(state, { ...env, REGKEY_KEYS: rotated });
      const paid = await lane.pay(tid, {
        productName: "Plan",
        amount: 500,
        currency: "JPY",
        orderId: uniqueId("charge"),
      });
      expect(paid.kind).toBe("outcome");
      if (paid.kind === "outcome") expect(paid.outcome.kind).toBe("success");
    });
    const after = await env.REGKEYS.get(`regkey:${tid}`);
    expect(decodeProtectedHeader(after!).kid).toBe("k2");
    const meta = await env.REGKEYS.getWithMetadata<{ kid: string }>(`regkey:${tid}`);
    expect(meta.metadata?.kid).toBe("k2");
  });

  it("answers a clear error, not a 500, for a token whose kid is no longer configured", async () => {
    const { tid } = await registeredToken();
    const onlyNew = JSON.stringify({ active: "k9", keys: { k9: randomKey() } });
    await runInDurableObject(env.REGKEY_LANES.getByName(tid), async (_instance, state) => {
      const lane = new RegKeyLane(state, { ...env, REGKEY_KEYS: onlyNew });
      const check = await lane.check(tid);
      expect(check).toMatchObject({ usable: false, code: "invalid_state" });
      const status = await lane.status(tid);
      expect(status.status).toBe(409);
      expect(JSON.stringify(status.body)).toContain("REGKEY_KEYS");
    });
  });

  it("does not decrypt a ciphertext copied to another token's key", async () => {
    const a = await registeredToken();
    const stolen = (await env.REGKEYS.get(`regkey:${a.tid}`))!;
    const forged = `rk_${"B".repeat(43)}`;
    const forgedTid = await tokenId(forged);
    await env.REGKEYS.put(`regkey:${forgedTid}`, stolen);
    const res = await call("POST", `/v1/preapproved/${forged}/payments`, {
      body: { productName: "Plan", amount: 500, currency: "JPY", orderId: uniqueId("charge") },
    });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(a.regKey);
  });
});
