/**
 * The sandbox as several LINE Pay channels: each checks calls with its own secret and keeps its
 * own ledger, so two channels may use the same orderId, and the first channel (the one every
 * other test uses) is unchanged. Called as a LINE Pay client would, signatures computed here.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectedSignature } from "../../sandbox/auth";
import { sandbox } from "../support/sandbox";

const BASE = "http://sandbox.linepay.test";

interface Channel {
  id: string;
  secret: string;
}

const first = (): Channel => ({ id: env.LINEPAY_CHANNEL_ID, secret: env.LINEPAY_CHANNEL_SECRET });

async function newChannel(): Promise<Channel> {
  const channel = {
    id: String(3_000_000_000 + Math.floor(Math.random() * 1_000_000_000)),
    secret: crypto.randomUUID().replaceAll("-", ""),
  };
  expect(await sandbox.channel(channel.id, channel.secret)).toEqual({ channelId: channel.id, created: true });
  return channel;
}

const answer = async (res: Response) =>
  JSON.parse((await res.text()).replace(/"transactionId":(\d+)/g, '"transactionId":"$1"')) as {
    returnCode: string;
    info?: { transactionId: string; paymentUrl: { web: string } };
  };

async function v3(channel: Channel, path: string, body: unknown, signWith = channel.secret) {
  const raw = JSON.stringify(body);
  const nonce = crypto.randomUUID();
  return answer(
    await env.SANDBOX.fetch(`${BASE}${path}`, {
      method: "POST",
      body: raw,
      headers: {
        "Content-Type": "application/json",
        "X-LINE-ChannelId": channel.id,
        "X-LINE-Authorization-Nonce": nonce,
        "X-LINE-Authorization": await expectedSignature(signWith, path, raw, nonce),
      },
    }),
  );
}

async function posPay(channel: Channel, orderId: string, amount: number, secret = channel.secret) {
  const oneTimeKey = await sandbox.oneTimeKey();
  return answer(
    await env.SANDBOX.fetch(`${BASE}/v2/payments/oneTimeKeys/pay`, {
      method: "POST",
      body: JSON.stringify({ productName: "Tea", amount, currency: "TWD", orderId, oneTimeKey }),
      headers: { "Content-Type": "application/json", "X-LINE-ChannelId": channel.id, "X-LINE-ChannelSecret": secret },
    }),
  );
}

const reserveBody = (orderId: string, amount = 100) => ({
  amount,
  currency: "TWD",
  orderId,
  packages: [{ id: "p", amount, products: [{ name: "x", quantity: 1, price: amount }] }],
  redirectUrls: { confirmUrl: "https://shop.example/c", cancelUrl: "https://shop.example/x" },
});

describe("sandbox channels", () => {
  it("keeps two channels' payments with the same orderId apart: two payments, two ledgers, two call counts", async () => {
    const a = first();
    const b = await newChannel();
    const orderId = `ch-${crypto.randomUUID()}`;
    const paidA = await posPay(a, orderId, 300);
    const paidB = await posPay(b, orderId, 700);
    expect(paidA.returnCode).toBe("0000");
    expect(paidB.returnCode).toBe("0000");
    expect(paidA.info!.transactionId).not.toBe(paidB.info!.transactionId);

    const ledgerA = await sandbox.ledger(orderId);
    const ledgerB = await sandbox.ledger(orderId, b.id);
    expect(ledgerA.payments[orderId]).toMatchObject({ transactionId: paidA.info!.transactionId, captured: 300 });
    expect(ledgerB.payments[orderId]).toMatchObject({ transactionId: paidB.info!.transactionId, captured: 700 });
    expect(await sandbox.ledger(orderId, a.id)).toEqual(ledgerA);
    expect(await sandbox.calls({ orderId })).toEqual({ "pos.pay": 1 });
    expect(await sandbox.calls({ orderId, channelId: b.id })).toEqual({ "pos.pay": 1 });
    // A second pay with that orderId is a duplicate at its own channel only.
    expect((await posPay(b, orderId, 700)).returnCode).toBe("1172");
  });

  it("checks each channel's calls with its own secret: another channel's secret is 1104, an unknown channel 1106", async () => {
    const a = first();
    const b = await newChannel();
    const orderId = `ch-${crypto.randomUUID()}`;
    expect((await v3(b, "/v3/payments/request", reserveBody(orderId), a.secret)).returnCode).toBe("1104");
    expect((await posPay(b, orderId, 100, a.secret)).returnCode).toBe("1104");
    expect(
      (await v3({ id: "4999999999", secret: b.secret }, "/v3/payments/request", reserveBody(orderId))).returnCode,
    ).toBe("1106");
    expect((await sandbox.ledger(orderId, b.id)).payments).toEqual({});
    // The refused calls reached B (and were counted there), not A.
    expect(await sandbox.calls({ orderId, channelId: b.id })).toEqual({ request: 1, "pos.pay": 1 });
    expect(await sandbox.calls({ orderId })).toEqual({});
    expect((await v3(b, "/v3/payments/request", reserveBody(orderId))).returnCode).toBe("0000");
  });

  it("takes a new secret for a known channel (a rotation): the old one is refused from the next call, the ledger stays", async () => {
    const b = await newChannel();
    const orderId = `ch-${crypto.randomUUID()}`;
    expect((await posPay(b, orderId, 100)).returnCode).toBe("0000");
    const rotated = { id: b.id, secret: crypto.randomUUID().replaceAll("-", "") };
    expect(await sandbox.channel(rotated.id, rotated.secret)).toEqual({ channelId: b.id, created: false });
    expect((await posPay(b, `${orderId}-2`, 100)).returnCode).toBe("1104");
    expect((await posPay(rotated, `${orderId}-3`, 100)).returnCode).toBe("0000");
    expect(Object.keys((await sandbox.ledger(undefined, b.id)).payments).sort()).toEqual([orderId, `${orderId}-3`]);
  });

  it("approves another channel's reservation from its payment page and confirms it at that channel only", async () => {
    const b = await newChannel();
    const orderId = `ch-${crypto.randomUUID()}`;
    const reserved = await v3(b, "/v3/payments/request", reserveBody(orderId, 250));
    const tx = reserved.info!.transactionId;
    await sandbox.approve(tx);
    // Channel A knows no such transaction.
    expect((await v3(first(), `/v3/payments/${tx}/confirm`, { amount: 250, currency: "TWD" })).returnCode).toBe("1150");
    expect((await v3(b, `/v3/payments/${tx}/confirm`, { amount: 250, currency: "TWD" })).returnCode).toBe("0000");
    expect((await sandbox.ledger(orderId, b.id)).payments[orderId]).toMatchObject({ status: "CAPTURE", captured: 250 });
    expect((await sandbox.ledger(orderId)).payments).toEqual({});
  });

  it("gives a fault queued for one channel to that channel's call only", async () => {
    const b = await newChannel();
    const orderId = `ch-${crypto.randomUUID()}`;
    await sandbox.fault("pos.pay", { type: "returnCode", returnCode: "1199" }, orderId, 1, b.id);
    expect((await posPay(first(), orderId, 100)).returnCode).toBe("0000");
    expect((await posPay(b, orderId, 100)).returnCode).toBe("1199");
  });

  it("answers 404 for the ledger or calls of a channel it does not know, and 400 for a channel without a secret", async () => {
    const res = await env.SANDBOX.fetch(`${BASE}/__sandbox/ledger?channelId=4999999999`);
    expect(res.status).toBe(404);
    expect((await env.SANDBOX.fetch(`${BASE}/__sandbox/calls?channelId=4999999999`)).status).toBe(404);
    const bad = await env.SANDBOX.fetch(`${BASE}/__sandbox/channels`, {
      method: "POST",
      body: JSON.stringify({ channelId: "4999999998" }),
    });
    expect(bad.status).toBe(400);
    const listed = (await (await env.SANDBOX.fetch(`${BASE}/__sandbox/channels`)).json()) as { channels: string[] };
    expect(listed.channels[0]).toBe(env.LINEPAY_CHANNEL_ID);
    expect(listed.channels).not.toContain("4999999998");
  });
});
