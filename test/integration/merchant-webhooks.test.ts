/**
 * `POST /v1/webhooks/deposits/{merchantId}`: verified under that merchant's depositWebhookSecret
 * only. Another merchant's secret, the global one, an unknown or impossible merchantId: all 401,
 * answered exactly alike (status, body, headers), and no deposit is made or stored.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, uniqueId } from "../support/gateway";
import { admin, newWhsec, registerMerchant } from "../support/merchants";
import { sandbox } from "../support/sandbox";
import { deliver } from "../support/webhooks";

const envelope = (depositId: string, amount = 300) =>
  JSON.stringify({
    type: "deposit.requested",
    data: { depositId, linePayNumber: "09012345678", amount, currency: "JPY" },
  });
const path = (merchantId: string) => `/v1/webhooks/deposits/${merchantId}`;

/** What a refused delivery shows, with the parts that differ per request left out. */
const shape = (res: Awaited<ReturnType<typeof deliver>>) => ({
  status: res.status,
  body: res.body,
  headers: [...res.headers].filter(([name]) => name !== "date"),
});

async function nothingDeposited(depositId: string) {
  expect(await sandbox.calls({ orderId: depositId })).toEqual({});
  expect((await sandbox.ledger(depositId)).deposits).toEqual({});
  expect((await call("GET", `/v1/deposits/${depositId}`, { scope: "deposits" })).status).toBe(404);
}

describe("merchant deposit webhooks", () => {
  it("deposits on a delivery signed with the merchant's own secret, once per webhook-id", async () => {
    const m = await registerMerchant();
    const depositId = uniqueId("mdep");
    const first = await deliver({
      path: path(m.merchantId),
      secret: m.depositWebhookSecret,
      body: envelope(depositId),
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ depositId, state: "COMPLETED", amount: 300 });
    const again = await deliver({
      id: first.id,
      path: path(m.merchantId),
      secret: m.depositWebhookSecret,
      body: envelope(depositId),
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it("answers 401 to another merchant's secret, the global secret, an unknown or impossible id, all alike, and deposits nothing", async () => {
    const a = await registerMerchant();
    const b = await registerMerchant();
    const depositId = uniqueId("mdep");
    const body = envelope(depositId);
    const refused = [
      await deliver({ path: path(a.merchantId), secret: b.depositWebhookSecret, body }),
      await deliver({ path: path(a.merchantId), secret: env.DEPOSIT_WEBHOOK_SECRET.split(" ")[0], body }),
      await deliver({ path: path(a.merchantId), signature: "v1,AAAA", body }),
      await deliver({ path: path(uniqueId("nobody")), secret: a.depositWebhookSecret, body }),
      await deliver({ path: path("a".repeat(65)), secret: a.depositWebhookSecret, body }),
      await deliver({ path: path("%ZZ"), secret: a.depositWebhookSecret, body }),
    ];
    const expected = shape(refused[0]!);
    expect(expected.status).toBe(401);
    expect(expected.body).toMatchObject({ code: "unauthorized", detail: "no webhook signature matches" });
    for (const res of refused) expect(shape(res)).toEqual(expected);
    await nothingDeposited(depositId);
  });

  it("takes either of two deposit secrets while one is rotated out", async () => {
    const m = await registerMerchant();
    const next = newWhsec();
    await admin("PUT", m.merchantId, {
      channelId: m.channelId,
      depositWebhookSecret: `${next} ${m.depositWebhookSecret}`,
    });
    for (const secret of [next, m.depositWebhookSecret]) {
      const res = await deliver({ path: path(m.merchantId), secret, body: envelope(uniqueId("mdep")) });
      expect(res.status).toBe(200);
    }
  });

  it("answers 403 to a correctly signed delivery for a disabled merchant, 401 to any other, and deposits nothing", async () => {
    const m = await registerMerchant();
    await admin("DELETE", m.merchantId);
    const depositId = uniqueId("mdep");
    const signed = await deliver({
      path: path(m.merchantId),
      secret: m.depositWebhookSecret,
      body: envelope(depositId),
    });
    expect(signed.status).toBe(403);
    expect(signed.body.code).toBe("forbidden");
    const unsigned = await deliver({ path: path(m.merchantId), signature: "v1,AAAA", body: envelope(depositId) });
    expect(unsigned.status).toBe(401);
    await nothingDeposited(depositId);
  });

  it("answers 401 for a merchant without a deposit secret", async () => {
    const m = await registerMerchant();
    await admin("PUT", m.merchantId, { channelId: m.channelId, depositWebhookSecret: null });
    const depositId = uniqueId("mdep");
    const res = await deliver({ path: path(m.merchantId), secret: m.depositWebhookSecret, body: envelope(depositId) });
    expect(res.status).toBe(401);
    await nothingDeposited(depositId);
  });
});
