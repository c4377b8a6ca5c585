/**
 * Every LINE Pay call of an order goes out on its own merchant's channel: two merchants with the
 * same orderId are two orders at two channels (the sandbox verifies each signature against its
 * channel's secret and keeps a ledger per channel); recovery, alarms and refunds use the order's
 * merchant whatever happened to it since (a rotated secret, a disabled merchant); its events go
 * to its own receiver, signed with its own secret, naming it.
 */
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MerchantEvent } from "../../model/events";
import { receiver } from "../support/events";
import { fireAlarm, flowsAs, posPayBody } from "../support/flows";
import { call, uniqueId } from "../support/gateway";
import { admin, eventsUrlOf, newChannelSecret, registerMerchant, type Registered } from "../support/merchants";
import { sandbox } from "../support/sandbox";

afterEach(() => {
  vi.useRealTimers();
});

const flowsOf = (m: Registered) => flowsAs(m.merchantId, m.channelId);
const total = (calls: Record<string, number>) => Object.values(calls).reduce((s, n) => s + n, 0);

describe("merchants' channels", () => {
  it("keeps two merchants' orders with the same orderId apart: two channels, two ledgers, each its own secret", async () => {
    const a = await registerMerchant();
    const b = await registerMerchant();
    const orderId = uniqueId("same");
    const defaultCallsBefore = total(await sandbox.calls());

    const paidA = await flowsOf(a).posPay(await posPayBody(orderId, { amount: 450 }));
    const paidB = await flowsOf(b).posPay(await posPayBody(orderId, { amount: 700 }));
    expect([paidA.status, paidB.status]).toEqual([200, 200]);
    expect(paidA.body).toMatchObject({ orderId, state: "CAPTURED", amount: 450 });
    expect(paidB.body).toMatchObject({ orderId, state: "CAPTURED", amount: 700 });
    expect(paidA.body.transactionId).not.toBe(paidB.body.transactionId);

    expect((await sandbox.ledger(orderId, a.channelId)).payments[orderId]).toMatchObject({
      amount: 450,
      captured: 450,
    });
    expect((await sandbox.ledger(orderId, b.channelId)).payments[orderId]).toMatchObject({
      amount: 700,
      captured: 700,
    });
    expect((await sandbox.ledger(orderId)).payments).toEqual({});
    expect(await sandbox.calls({ orderId, channelId: a.channelId })).toEqual({ "pos.pay": 1 });
    expect(await sandbox.calls({ orderId, channelId: b.channelId })).toEqual({ "pos.pay": 1 });
    expect(total(await sandbox.calls())).toBe(defaultCallsBefore);

    // The same orderId online, for a merchant and the default merchant: reserve, approve, confirm.
    const online = uniqueId("same");
    await flowsOf(a).confirmed(online, 1200);
    await flowsAs().confirmed(online, 800);
    expect((await sandbox.ledger(online, a.channelId)).payments[online]).toMatchObject({ amount: 1200 });
    expect((await sandbox.ledger(online)).payments[online]).toMatchObject({ amount: 800 });

    // Each sees only its own: a refund of A's order touches A's channel only.
    const refunded = await call("POST", `/v1/payments/${orderId}/refund`, {
      merchant: a.merchantId,
      body: {},
      headers: { "Idempotency-Key": "r1" },
    });
    expect(refunded.body).toMatchObject({ state: "REFUNDED", refundedAmount: 450 });
    expect((await sandbox.ledger(orderId, a.channelId)).payments[orderId].refunded).toBe(450);
    expect((await sandbox.ledger(orderId, b.channelId)).payments[orderId].refunded).toBe(0);
    expect((await flowsOf(b).view(orderId)).body.state).toBe("CAPTURED");
  });

  it("signs with the secret the sandbox holds for that channel: a secret changed only at LINE Pay is refused (1104)", async () => {
    const a = await registerMerchant();
    await sandbox.channel(a.channelId, newChannelSecret());
    const refused = await flowsOf(a).posPay(await posPayBody(uniqueId("rot")));
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ returnCode: "1104" });
  });

  it("uses a rotated channel secret from the next call on, and for a recovery already in flight", async () => {
    const a = await registerMerchant();
    const { posPay, orderStub, view } = flowsOf(a);
    const lost = uniqueId("rot");
    await sandbox.fault("pos.pay", { type: "drop" }, lost, 1, a.channelId);
    await sandbox.fault("pos.check", { type: "http", status: 500 }, lost, 1, a.channelId);
    expect((await posPay(await posPayBody(lost))).status).toBe(202);

    // The operator rotates: at LINE Pay's merchant center, then at the gateway.
    const secret = newChannelSecret();
    await sandbox.channel(a.channelId, secret);
    expect((await admin("PUT", a.merchantId, { channelId: a.channelId, channelSecret: secret })).status).toBe(200);

    const next = await posPay(await posPayBody(uniqueId("rot")));
    expect(next.status).toBe(200);
    expect(next.body.state).toBe("CAPTURED");

    await fireAlarm(orderStub(lost));
    expect((await view(lost)).body.state).toBe("CAPTURED");
    expect((await sandbox.ledger(lost, a.channelId)).payments[lost]).toMatchObject({ captured: 450 });
  });

  it("reads the merchant again after LINE Pay refuses its cached secret (a rotation another isolate took)", async () => {
    const a = await registerMerchant();
    const { posPay } = flowsOf(a);
    expect((await posPay(await posPayBody(uniqueId("stale")))).status).toBe(200); // cached now
    const secret = newChannelSecret();
    await sandbox.channel(a.channelId, secret);
    // The PUT as another isolate serves it: the record changes, this isolate's cache does not hear.
    const stored = await env.MERCHANTS.getByName(a.merchantId).upsert({
      merchantId: a.merchantId,
      channelId: a.channelId,
      channelSecret: secret,
      offlineVersion: "v2",
    });
    expect(stored).toMatchObject({ created: false });
    const stale = await posPay(await posPayBody(uniqueId("stale")));
    expect(stale.body).toMatchObject({ returnCode: "1104" });
    const next = await posPay(await posPayBody(uniqueId("stale")));
    expect(next.status).toBe(200);
  });

  it("refuses a disabled merchant's new money movements (403, no call) and still completes its open orders", async () => {
    const a = await registerMerchant();
    const { posPay, orderStub, view } = flowsOf(a);
    const open = uniqueId("dis");
    await sandbox.fault("pos.pay", { type: "drop" }, open, 1, a.channelId);
    await sandbox.fault("pos.check", { type: "http", status: 500 }, open, 1, a.channelId);
    expect((await posPay(await posPayBody(open))).status).toBe(202);
    const paid = uniqueId("dis");
    expect((await posPay(await posPayBody(paid))).status).toBe(200);

    expect((await admin("DELETE", a.merchantId)).body).toEqual({ merchantId: a.merchantId, status: "DISABLED" });
    const before = total(await sandbox.calls({ channelId: a.channelId }));
    const fresh = uniqueId("dis");
    const refusedPos = await posPay(await posPayBody(fresh));
    expect(refusedPos.status).toBe(403);
    const refusedReserve = await call("POST", "/v1/payments", {
      merchant: a.merchantId,
      body: { amount: 100, currency: "JPY", orderId: fresh },
    });
    expect(refusedReserve.status).toBe(403);
    expect(total(await sandbox.calls({ channelId: a.channelId }))).toBe(before);

    // Recovery by alarm, on the disabled merchant's channel; a refund of a paid order goes on.
    await fireAlarm(orderStub(open));
    expect((await view(open)).body.state).toBe("CAPTURED");
    const refund = await call("POST", `/v1/payments/${paid}/refund`, {
      merchant: a.merchantId,
      scope: "pos",
      body: {},
      headers: { "Idempotency-Key": "r" },
    });
    expect(refund.status).toBe(200);
    expect((await sandbox.ledger(paid, a.channelId)).payments[paid].refunded).toBe(450);
  });

  it("sends a merchant's events to its own receiver, signed with its own secret, with its merchantId", async () => {
    const a = await registerMerchant();
    const orderId = uniqueId("mev");
    expect((await flowsOf(a).posPay(await posPayBody(orderId))).status).toBe(200);

    let delivered: Awaited<ReturnType<typeof receiver.deliveries>> = [];
    for (let i = 0; i < 200 && !delivered.some((d) => d.answered === 204); i++) {
      delivered = await receiver.deliveries({ orderId });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const done = delivered.find((d) => d.answered === 204)!;
    expect(done.path).toBe(new URL(eventsUrlOf(a.merchantId)).pathname);
    const event = new Webhook(a.eventsWebhookSecret).verify(done.body, done.headers) as MerchantEvent;
    expect(event).toMatchObject({ type: "payment.captured", data: { orderId, merchantId: a.merchantId } });
    // Not under the global secret: the merchant's receiver is the only one that can check it.
    expect(() => new Webhook(env.EVENTS_WEBHOOK_SECRET).verify(done.body, done.headers)).toThrow();
    expect(delivered.every((d) => d.path === done.path)).toBe(true);
  });
});
