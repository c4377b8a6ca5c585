/**
 * Attacks the edge tests leave out: a JWKS token under a kid nobody published, a token signed by
 * a key that is not in the set, a replayed webhook id carrying another body, a signature under a
 * secret rotated out, and a valid webhook signature over a different body.
 */
import { env } from "cloudflare:workers";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { verifyCallerToken } from "../../functions/auth/caller-jwt";
import { sandbox } from "../support/sandbox";
import { deliver, signWebhook } from "../support/webhooks";

const audience = "linepay-gateway";

async function published() {
  const mine = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(mine.publicKey)), kid: "published", alg: "ES256" };
  return { mine, jwks: createLocalJWKSet({ keys: [jwk] }) };
}

const sign = (key: CryptoKey, kid: string) =>
  new SignJWT({ scope: "payments" })
    .setProtectedHeader({ alg: "ES256", kid })
    .setAudience(audience)
    .setExpirationTime("5m")
    .sign(key);

describe("caller JWT attacks", () => {
  it("refuses a token under an unknown kid", async () => {
    const { mine, jwks } = await published();
    await expect(
      verifyCallerToken(await sign(mine.privateKey, "nobody-published-this"), { jwks }, audience, ["payments"]),
    ).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("refuses a token signed by a key outside the set, even under a published kid", async () => {
    const { jwks } = await published();
    const intruder = await generateKeyPair("ES256");
    await expect(
      verifyCallerToken(await sign(intruder.privateKey, "published"), { jwks }, audience, ["payments"]),
    ).rejects.toMatchObject({ code: "unauthorized" });
  });
});

const envelope = (amount: number) =>
  JSON.stringify({ type: "deposit.requested", data: { linePayNumber: "09087654321", amount, currency: "JPY" } });

describe("webhook attacks", () => {
  it("does not make a second transfer when a webhook id comes back with another body", async () => {
    const id = `msg_${crypto.randomUUID()}`;
    const first = await deliver({ id, body: envelope(500) });
    expect(first.status).toBe(200);
    const replay = await deliver({ id, body: envelope(90_000) });
    expect(replay.status).toBe(422);
    expect(replay.body.code).toBe("idempotency_mismatch");
    const ledger = await sandbox.ledger(id);
    expect(ledger.deposits[id].amount).toBe(500);
    expect((await sandbox.calls({ orderId: id })).deposit).toBe(1);
  });

  it("refuses a signature made under a secret that has been rotated out", async () => {
    const retired = `whsec_${btoa("a secret that was configured last month!")}`;
    const id = `msg_${crypto.randomUUID()}`;
    const ts = Math.floor(Date.now() / 1000);
    const res = await deliver({
      id,
      timestamp: ts,
      body: envelope(500),
      signature: await signWebhook(retired, id, ts, envelope(500)),
    });
    expect(res.status).toBe(401);
    expect((await sandbox.calls({ orderId: id })).deposit ?? 0).toBe(0);
  });

  it("refuses a genuine signature of a different body, and a genuine one moved to another id", async () => {
    const id = `msg_${crypto.randomUUID()}`;
    const ts = Math.floor(Date.now() / 1000);
    const genuine = await signWebhook(env.DEPOSIT_WEBHOOK_SECRET.split(" ")[0]!, id, ts, envelope(100));
    expect((await deliver({ id, timestamp: ts, body: envelope(100_000), signature: genuine })).status).toBe(401);
    const other = `msg_${crypto.randomUUID()}`;
    expect((await deliver({ id: other, timestamp: ts, body: envelope(100), signature: genuine })).status).toBe(401);
    expect((await deliver({ id, timestamp: ts + 1, body: envelope(100), signature: genuine })).status).toBe(401);
    expect((await sandbox.calls({ orderId: id })).deposit ?? 0).toBe(0);
    expect((await sandbox.calls({ orderId: other })).deposit ?? 0).toBe(0);
  });
});
