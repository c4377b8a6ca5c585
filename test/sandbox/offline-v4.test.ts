/**
 * The sandbox's Offline API v4, called as any LINE Pay client would (signatures computed here
 * with the sandbox's own rule, which emulator.test.ts pins to LINEPAY.md's vectors): signed like
 * v3 with the calling channel's secret, the v4 pay body (docs/linepay-offline-v4.md) on the same
 * ledger and handlers as v2, the same operation names for faults and call counts, and a record
 * of which credentials each call carried.
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

interface Sent {
  /** POST body, sent as JSON */
  body?: unknown;
  /** GET: the query string */
  query?: string;
  channel?: Channel;
  /** sign with this secret instead of the channel's; null: no signature headers at all */
  signWith?: string | null;
  /** sign these bytes instead of those sent */
  signed?: string;
  headers?: Record<string, string>;
}

async function send(method: "GET" | "POST", path: string, s: Sent = {}): Promise<Response> {
  const channel = s.channel ?? first();
  const raw = method === "POST" ? JSON.stringify(s.body ?? {}) : "";
  const nonce = crypto.randomUUID();
  const signWith = s.signWith === undefined ? channel.secret : s.signWith;
  const payload = s.signed ?? (method === "GET" ? (s.query ?? "") : raw);
  const signature: Record<string, string> =
    signWith === null
      ? {}
      : {
          "X-LINE-Authorization-Nonce": nonce,
          "X-LINE-Authorization": await expectedSignature(signWith, path, payload, nonce),
        };
  return env.SANDBOX.fetch(`${BASE}${path}${s.query ? `?${s.query}` : ""}`, {
    method,
    ...(method === "POST" ? { body: raw } : {}),
    headers: { "Content-Type": "application/json", "X-LINE-ChannelId": channel.id, ...signature, ...s.headers },
  });
}

/** LINE Pay's answer, its 19-digit ids read as strings. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function v4(method: "GET" | "POST", path: string, s: Sent = {}): Promise<any> {
  const text = await (await send(method, path, s)).text();
  return JSON.parse(text.replace(/"(transactionId|refundTransactionId)":(\d+)/g, '"$1":"$2"'));
}

const payBody = async (orderId: string, amount = 120, extra: Record<string, unknown> = {}) => ({
  amount,
  currency: "TWD",
  orderId,
  oneTimeKey: await sandbox.oneTimeKey(),
  packages: [{ id: "pos", amount, products: [{ name: "Oolong", quantity: 1, price: amount }] }],
  ...extra,
});

const pay = async (orderId: string, extra: Record<string, unknown> = {}, s: Sent = {}) =>
  v4("POST", "/v4/payments/oneTimeKeys/pay", { ...s, body: await payBody(orderId, 120, extra) });

const newOrder = () => `v4-${crypto.randomUUID()}`;

async function newChannel(): Promise<Channel> {
  const channel = {
    id: String(3_000_000_000 + Math.floor(Math.random() * 1_000_000_000)),
    secret: crypto.randomUUID().replaceAll("-", ""),
  };
  await sandbox.channel(channel.id, channel.secret);
  return channel;
}

describe("the sandbox's Offline API v4", () => {
  it("pays a v4 body signed like v3: the payment in the ledger, paymentProvider in the answer", async () => {
    const orderId = newOrder();
    const paid = await pay(orderId, {}, { headers: { "X-LINE-MerchantDeviceProfileId": "till-4" } });
    expect(paid).toMatchObject({ returnCode: "0000", info: { orderId, paymentProvider: "TSP" } });
    expect(paid.info.transactionId).toMatch(/^\d{19}$/);
    expect(paid.info.payInfo).toEqual([{ method: "BALANCE", amount: 120 }]);
    expect((await sandbox.ledger(orderId)).payments[orderId]).toMatchObject({
      kind: "pos",
      status: "CAPTURE",
      captured: 120,
      transactionId: paid.info.transactionId,
      deviceProfileId: "till-4",
    });
    expect(await sandbox.calls({ orderId })).toEqual({ "pos.pay": 1 });
    expect(await sandbox.auth({ orderId })).toEqual({ "pos.pay": { channelSecretHeader: 0, signature: 1 } });
  });

  it("refuses a bad or missing signature with 1104, v2's secret header included, and pays nothing", async () => {
    const orderId = newOrder();
    expect((await pay(orderId, {}, { signWith: "wrong-secret-wrong-secret-000000" })).returnCode).toBe("1104");
    expect((await pay(orderId, {}, { signWith: null })).returnCode).toBe("1104");
    // v2's authentication on a v4 path: the right secret, in the header v4 does not have.
    const v2Style = await pay(orderId, {}, { signWith: null, headers: { "X-LINE-ChannelSecret": first().secret } });
    expect(v2Style.returnCode).toBe("1104");
    // A signature over other bytes than those sent.
    const body = await payBody(orderId);
    const tampered = await v4("POST", "/v4/payments/oneTimeKeys/pay", {
      body: { ...body, amount: 1 },
      signed: JSON.stringify(body),
    });
    expect(tampered.returnCode).toBe("1104");
    expect(
      (await v4("GET", `/v4/payments/orders/${orderId}/check`, { signWith: "wrong-secret-wrong-secret-000000" }))
        .returnCode,
    ).toBe("1104");
    expect((await sandbox.ledger(orderId)).payments).toEqual({});
    expect(await sandbox.auth({ orderId })).toEqual({
      "pos.pay": { channelSecretHeader: 1, signature: 0 },
      "pos.check": { channelSecretHeader: 0, signature: 0 },
    });
  });

  it("checks each channel's v4 calls with that channel's secret", async () => {
    const b = await newChannel();
    const orderId = newOrder();
    expect((await pay(orderId, {}, { channel: b, signWith: first().secret })).returnCode).toBe("1104");
    expect((await pay(orderId, {}, { channel: b })).returnCode).toBe("0000");
    expect((await sandbox.ledger(orderId, b.id)).payments[orderId]).toMatchObject({ captured: 120 });
    expect((await sandbox.ledger(orderId)).payments).toEqual({});
    expect(await sandbox.auth({ orderId, channelId: b.id })).toEqual({
      "pos.pay": { channelSecretHeader: 0, signature: 1 },
    });
  });

  it("records, without refusing, a signed v4 call that also carries X-LINE-ChannelSecret", async () => {
    const orderId = newOrder();
    const paid = await pay(orderId, {}, { headers: { "X-LINE-ChannelSecret": first().secret } });
    expect(paid.returnCode).toBe("0000");
    expect(await sandbox.auth({ orderId })).toEqual({ "pos.pay": { channelSecretHeader: 1, signature: 1 } });
  });

  it.each([
    ["without packages (v2's body)", { packages: undefined, productName: "Oolong" }],
    ["with no package", { packages: [] }],
    ["whose package amounts do not add up", { packages: [{ id: "pos", amount: 100, products: [] }] }],
    [
      "whose products do not add up to their package",
      { packages: [{ id: "pos", amount: 120, products: [{ name: "Oolong", quantity: 2, price: 70 }] }] },
    ],
    ["with a package that is no object", { packages: [null] }],
  ])("refuses a pay %s with 2101 and pays nothing", async (_name, change) => {
    const orderId = newOrder();
    const body = { ...(await payBody(orderId)), ...change };
    expect((await v4("POST", "/v4/payments/oneTimeKeys/pay", { body })).returnCode).toBe("2101");
    expect((await sandbox.ledger(orderId)).payments).toEqual({});
  });

  it("authorizes on options.payment.capture false, and ignores v2's top-level capture", async () => {
    const authorized = newOrder();
    const auth = await pay(authorized, { options: { payment: { capture: false } } });
    expect(auth.info.authorizationExpireDate).toBeDefined();
    expect((await sandbox.ledger(authorized)).payments[authorized]).toMatchObject({ status: "AUTHORIZATION" });
    const stray = newOrder();
    await pay(stray, { capture: false });
    expect((await sandbox.ledger(stray)).payments[stray]).toMatchObject({ status: "CAPTURE", captured: 120 });
  });

  it("answers check, authorizations, capture, details, refund and void by orderId, with v4's fields", async () => {
    const orderId = newOrder();
    const tx: string = (await pay(orderId, { options: { payment: { capture: false } } })).info.transactionId;
    const check = await v4("GET", `/v4/payments/orders/${orderId}/check`);
    expect(check.info).toMatchObject({ status: "COMPLETE", transactionId: tx, orderId, paymentProvider: "TSP" });
    const auths = await v4("GET", "/v4/payments/authorizations", { query: `orderId=${orderId}` });
    expect(auths.info).toEqual([
      expect.objectContaining({
        transactionId: tx,
        orderId,
        payStatus: "AUTHORIZATION",
        productName: "Oolong",
        paymentProvider: "TSP",
        authorizationExpireDate: expect.any(String),
      }),
    ]);
    const captured = await v4("POST", `/v4/payments/orders/${orderId}/capture`, {
      body: { amount: 120, currency: "TWD" },
    });
    expect(captured).toMatchObject({ returnCode: "0000", info: { transactionId: tx, paymentProvider: "TSP" } });
    const details = await v4("GET", "/v4/payments", { query: `orderId=${orderId}` });
    expect(details.info).toEqual([expect.objectContaining({ transactionId: tx, orderId, paymentProvider: "TSP" })]);
    const refund = await v4("POST", `/v4/payments/orders/${orderId}/refund`, { body: { refundAmount: 20 } });
    expect(refund.returnCode).toBe("0000");
    expect((await sandbox.ledger(orderId)).payments[orderId]).toMatchObject({ captured: 120, refunded: 20 });
    expect(await sandbox.calls({ orderId })).toEqual({
      "pos.pay": 1,
      "pos.check": 1,
      "pos.authorizations": 1,
      "pos.capture": 1,
      "pos.details": 1,
      "pos.refund": 1,
    });

    const voided = newOrder();
    await pay(voided, { options: { payment: { capture: false } } });
    expect((await v4("POST", `/v4/payments/orders/${voided}/void`)).returnCode).toBe("0000");
    expect((await sandbox.ledger(voided)).payments[voided]).toMatchObject({ status: "VOIDED_AUTHORIZATION" });
  });

  it("keeps GET /v4/payments for online details when asked by transactionId", async () => {
    const orderId = newOrder();
    const tx: string = (await pay(orderId)).info.transactionId;
    await v4("GET", "/v4/payments", { query: `transactionId=${tx}` });
    expect(await sandbox.calls({ orderId })).toEqual({ "pos.pay": 1, details: 1 });
  });

  it("applies a fault queued for a POS operation to its v4 call as to v2's", async () => {
    const orderId = newOrder();
    await sandbox.fault("pos.pay", { type: "returnCode", returnCode: "1199" }, orderId);
    expect((await pay(orderId)).returnCode).toBe("1199");
    // A pay refused before processing is a FAIL to the status check, as on v2.
    expect((await v4("GET", `/v4/payments/orders/${orderId}/check`)).info).toEqual({ status: "FAIL" });
    const dropped = newOrder();
    await sandbox.fault("pos.pay", { type: "drop" }, dropped);
    const res = await send("POST", "/v4/payments/oneTimeKeys/pay", { body: await payBody(dropped) });
    await expect(res.text()).rejects.toThrow();
    expect((await sandbox.ledger(dropped)).payments[dropped]).toMatchObject({ captured: 120 });
  });
});
