/**
 * A representative run of every flow, faults included (POS on Offline API v2 and v4), with every
 * log line and response body captured: none may contain a channel secret (the v4 merchant's
 * too), a regKey, the JWT secret, the webhook secrets (deposits' and events'), an event's
 * signature, the regKey vault's keys, a registered merchant's channel and webhook secrets (sent
 * with PUT, rotated, refused in a bad PUT, used by its webhook) or MERCHANT_KEYS. The gateway's
 * Worker and objects run in this isolate, so console spies see their logs.
 */
import { env } from "cloudflare:workers";
import { tokenId } from "../../model/regkey-token";
import { dumpStorage, fireAlarm, flowsAs } from "../support/flows";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { call, reserveBody, uniqueId, type Called } from "../support/gateway";
import { admin, dumpMerchant, merchantToken, newChannelSecret, newWhsec, registerMerchant } from "../support/merchants";
import { OFFLINE_VERSIONS, posGateway } from "../support/pos-gateway";
import { sandbox } from "../support/sandbox";
import { deliver } from "../support/webhooks";
import { deliveryJournal, enqueue, eventMessage, eventually, receiver } from "../support/events";

const logs: string[] = [];
beforeEach(() => {
  logs.length = 0;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(" ")));
  }
});
afterEach(() => vi.restoreAllMocks());

describe("secrets", () => {
  it("never appear in a log line or a response, across every flow and fault", async () => {
    const bodies: string[] = [];
    const keep = (r: Called) => (bodies.push(r.text), r);
    const regKeys: string[] = [];

    // Online, with a dropped confirm and a refund.
    const online = uniqueId("sec");
    const reserve = keep(await call("POST", "/v1/payments", { body: reserveBody(online) }));
    await sandbox.approve(reserve.body.transactionId);
    await sandbox.fault("confirm", { type: "drop" }, online);
    keep(await call("POST", `/v1/payments/${online}/confirm`, { body: { amount: 1000, currency: "JPY" } }));
    keep(await call("POST", `/v1/payments/${online}/refund`, { body: {}, headers: { "Idempotency-Key": "all" } }));

    // Preapproved: registration, a payment, a card error that expires the regKey.
    const sub = uniqueId("sec");
    const r2 = keep(
      await call("POST", "/v1/payments", {
        body: reserveBody(sub, 500, "JPY", { payment: { payType: "PREAPPROVED" } }),
      }),
    );
    await sandbox.approve(r2.body.transactionId);
    const rk = keep(await call("POST", `/v1/payments/${sub}/confirm`, { body: { amount: 500, currency: "JPY" } })).body
      .regKeyToken;
    regKeys.push((await sandbox.regKey(sub)).regKey);
    keep(
      await call("POST", `/v1/preapproved/${rk}/payments`, {
        body: { productName: "Plan", amount: 500, currency: "JPY", orderId: uniqueId("sec") },
      }),
    );
    const declined = uniqueId("sec");
    await sandbox.fault("preapproved.pay", { type: "returnCode", returnCode: "1291" }, declined);
    keep(
      await call("POST", `/v1/preapproved/${rk}/payments`, {
        body: { productName: "Plan", amount: 500, currency: "JPY", orderId: declined },
      }),
    );

    // POS with a lost answer settled by alarm, on each Offline API version.
    const oneTimeKeys: string[] = [];
    const posOrders: string[] = [];
    for (const version of OFFLINE_VERSIONS) {
      const gw = posGateway(version);
      const orderId = uniqueId("sec");
      await gw.fault("pos.pay", { type: "reset", phase: "after" }, orderId);
      await gw.fault("pos.check", { type: "malformed" }, orderId);
      const oneTimeKey = await sandbox.oneTimeKey();
      keep(await gw.pay({ productName: "Tea", amount: 300, currency: "JPY", orderId, oneTimeKey }));
      await fireAlarm(gw.stub(orderId));
      keep(await gw.view(orderId));
      oneTimeKeys.push(oneTimeKey);
      posOrders.push(orderId);
    }
    const pos = posOrders[0]!;

    // Deposits by API and by webhook, good and forged.
    keep(
      await call("POST", "/v1/deposits", {
        scope: "deposits",
        body: { depositId: uniqueId("sec"), linePayNumber: "09012345678", amount: 100, currency: "JPY" },
      }),
    );
    const body = JSON.stringify({
      type: "deposit.requested",
      data: { linePayNumber: "09012345678", amount: 100, currency: "JPY" },
    });
    bodies.push(
      JSON.stringify((await deliver({ body })).body),
      JSON.stringify((await deliver({ body, signature: "v1,AAAA" })).body),
    );

    // An event about the POS order, refused once by the receiver, then delivered.
    const { events: _journal, ...posView } = (await call("GET", `/v1/payments/${pos}`, { scope: "pos" })).body;
    const event = await eventMessage(pos, posView);
    await receiver.answer({ eventId: event.event.id, status: 500, times: 1 });
    await enqueue(event);
    await eventually(
      () => deliveryJournal(pos, event.event.id),
      (j) => j.length >= 2,
    );
    const signatures = (await receiver.deliveries({ eventId: event.event.id })).map(
      (d) => d.headers["webhook-signature"]!,
    );
    expect(signatures).toHaveLength(2);
    // A registered merchant: its PUT, GET, a rotation, a refused PUT carrying secrets, a payment
    // call acting for it, its deposit webhook signed right and wrong, and its DELETE.
    const m = await registerMerchant();
    bodies.push(m.put.text);
    keep(await admin("GET", m.merchantId));
    const rotatedSecret = newChannelSecret();
    keep(await admin("PUT", m.merchantId, { channelId: m.channelId, channelSecret: rotatedSecret }));
    const refusedSecret = newWhsec();
    keep(
      await admin("PUT", m.merchantId, {
        channelId: m.channelId,
        channelSecret: newChannelSecret().slice(0, 10),
        eventsWebhookSecret: refusedSecret.slice(0, 20),
        depositWebhookSecret: `${refusedSecret} nope`,
      }),
    );
    keep(
      await call("POST", "/v1/payments", {
        body: reserveBody(uniqueId("sec")),
        headers: { Authorization: `Bearer ${await merchantToken(m.merchantId)}` },
      }),
    );
    const merchantDeposit = JSON.stringify({
      type: "deposit.requested",
      data: { depositId: uniqueId("sec"), linePayNumber: "09012345678", amount: 100, currency: "JPY" },
    });
    const hook = `/v1/webhooks/deposits/${m.merchantId}`;
    bodies.push(
      JSON.stringify((await deliver({ path: hook, secret: m.depositWebhookSecret, body: merchantDeposit })).body),
      JSON.stringify((await deliver({ path: hook, secret: newWhsec(), body: merchantDeposit })).body),
    );
    keep(await admin("DELETE", m.merchantId));
    keep(
      await call("POST", "/v1/payments", {
        body: reserveBody(uniqueId("sec")),
        headers: { Authorization: `Bearer ${await merchantToken(m.merchantId)}` },
      }),
    );

    // Bad callers.
    keep(await call("GET", `/v1/payments/${online}`, { headers: { Authorization: "Bearer not.a.token" } }));
    keep(await call("POST", "/v1/payments", { rawBody: "{" }));

    const webhookSecret = env.DEPOSIT_WEBHOOK_SECRET;
    const secrets = [
      env.LINEPAY_CHANNEL_SECRET,
      env.AUTH_JWT_SECRET,
      webhookSecret,
      webhookSecret.replace(/^whsec_/, ""),
      ...Object.values((JSON.parse(env.REGKEY_KEYS) as { keys: Record<string, string> }).keys),
      ...regKeys,
      ...oneTimeKeys,
      posGateway("v4").channelSecret,
      env.EVENTS_WEBHOOK_SECRET,
      env.EVENTS_WEBHOOK_SECRET.replace(/^whsec_/, ""),
      ...signatures.map((s) => s.replace(/^v1,/, "")),
      m.channelSecret,
      rotatedSecret,
      ...[m.eventsWebhookSecret, m.depositWebhookSecret, refusedSecret].flatMap((s) => [s, s.replace(/^whsec_/, "")]),
      ...Object.values((JSON.parse(env.MERCHANT_KEYS) as { keys: Record<string, string> }).keys),
    ];
    expect(logs.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      for (const line of logs) expect(line).not.toContain(secret);
      for (const text of bodies) expect(text).not.toContain(secret);
    }
  });

  it("of a merchant never appear in a response, a log line, a KV value or any object's storage", async () => {
    const m = await registerMerchant();
    const flows = flowsAs(m.merchantId, m.channelId);
    const texts: string[] = [m.put.text];
    const keep = (r: { text: string }) => (texts.push(r.text), r);

    // A regKey token and a payment on it, a POS pay lost and recovered, a deposit, a refund.
    const { token, orderId: sub, regKey } = await flows.regKeyToken();
    const charge = uniqueId("msec");
    keep(await flows.payOnToken(token, charge));
    const pos = uniqueId("msec");
    await sandbox.fault("pos.pay", { type: "drop" }, pos, 1, m.channelId);
    const oneTimeKey = await sandbox.oneTimeKey();
    keep(await flows.posPay({ productName: "Tea", amount: 300, currency: "JPY", orderId: pos, oneTimeKey }));
    await fireAlarm(flows.orderStub(pos));
    keep(
      await call("POST", `/v1/payments/${pos}/refund`, {
        merchant: m.merchantId,
        body: {},
        headers: { "Idempotency-Key": "r" },
      }),
    );
    const depositId = uniqueId("msec");
    keep(
      await call("POST", "/v1/deposits", {
        merchant: m.merchantId,
        scope: "deposits",
        body: { depositId, linePayNumber: "09012345678", amount: 100, currency: "JPY" },
      }),
    );
    // A rotation, and its events delivered to the merchant's receiver.
    const rotatedSecret = newChannelSecret();
    await sandbox.channel(m.channelId, rotatedSecret);
    keep(await admin("PUT", m.merchantId, { channelId: m.channelId, channelSecret: rotatedSecret }));
    keep(await flows.view(pos));
    const delivered = await eventually(
      () => receiver.deliveries({ orderId: pos }),
      (d) => d.some((x) => x.answered === 204 && x.body.includes("REFUNDED")),
      20_000,
    );
    texts.push(...delivered.map((d) => d.body + JSON.stringify(d.headers)));

    const tid = await tokenId(token);
    const kv = await env.REGKEYS.list({ prefix: `regkey:m:${m.merchantId}:` });
    expect(kv.keys.map((k) => k.name)).toEqual([`regkey:m:${m.merchantId}:${tid}`]);
    const stored = [
      JSON.stringify(kv),
      ...(await Promise.all(kv.keys.map((k) => env.REGKEYS.get(k.name)))).map(String),
      await dumpMerchant(m.merchantId),
      await dumpStorage(env.REGKEY_LANES.getByName(`m:${m.merchantId}:${tid}`)),
      ...(await Promise.all([sub, charge, pos].map((id) => dumpStorage(flows.orderStub(id))))),
      await dumpStorage(flows.depositStub(depositId)),
    ];
    expect(stored.join("")).toContain("eyJ"); // the sealed forms are there
    const secrets = [
      m.channelSecret,
      rotatedSecret,
      regKey,
      ...[m.eventsWebhookSecret, m.depositWebhookSecret].flatMap((s) => [s, s.replace(/^whsec_/, "")]),
      ...Object.values((JSON.parse(env.MERCHANT_KEYS) as { keys: Record<string, string> }).keys),
    ];
    // The lost pay, its recovery and the events deliveries log (prompt successes print nothing).
    expect(logs.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      for (const text of [...texts, ...logs, ...stored]) expect(text).not.toContain(secret);
    }
  });
});
