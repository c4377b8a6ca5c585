/**
 * LINE Pay is slow, not silent (CONTRACT.md "Honesty after a lost answer"): it may finish a call
 * after the gateway's read timeout, a proxy's 502/504 says nothing about the origin, and "no
 * record yet" right after a lost answer means "not yet". Each case here is one way money was
 * moved twice or settled wrongly when the gateway took silence for an answer.
 */
import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createLinePayClient } from "../../linepay/client";
import { tokenId } from "../../model/regkey-token";
import { advanceClock, PAST_THE_READ_TIMEOUT_MS, PAST_THE_WINDOW_MS, useTestClock } from "../support/clock";
import {
  alarmOf,
  approved,
  confirm,
  confirmed,
  depositStub,
  orderStub,
  outcomes,
  payOnToken,
  posPayBody,
  regKeyToken,
  storedOperation,
  view,
  viewDeposit,
} from "../support/flows";
import { call, uniqueId } from "../support/gateway";
import { OFFLINE_VERSIONS, posGateway } from "../support/pos-gateway";
import { sandbox } from "../support/sandbox";

const refund = (orderId: string, key: string, refundAmount?: number) =>
  call("POST", `/v1/payments/${orderId}/refund`, {
    body: refundAmount === undefined ? {} : { refundAmount },
    headers: { "Idempotency-Key": key },
  });

/** Lets LINE Pay's late work finish, then the object's next check come due, and runs it. */
async function afterLinePayCatchesUp(stub: DurableObjectStub): Promise<void> {
  await sandbox.idle();
  advanceClock(30_000);
  await runDurableObjectAlarm(stub);
}

describe("a LINE Pay that finishes after the caller gave up", () => {
  it("refunds once when LINE Pay finishes a refund after the read timeout, however often it is asked", async () => {
    useTestClock();
    const { orderId } = await confirmed();
    await sandbox.fault("refund", { type: "delay", ms: PAST_THE_READ_TIMEOUT_MS, phase: "before" }, orderId);
    const first = await refund(orderId, "r-1", 300);
    expect(first.status).toBe(202);
    expect(first.body.state).toBe("UNKNOWN");
    expect(first.headers.get("Retry-After")).toMatch(/^\d+$/);
    const retry = await refund(orderId, "r-1", 300);
    expect(retry.status).toBe(202);

    await afterLinePayCatchesUp(orderStub(orderId));
    const seen = await view(orderId);
    expect(seen.body).toMatchObject({ state: "PARTIALLY_REFUNDED", refundedAmount: 300 });
    expect((await sandbox.ledger(orderId)).payments[orderId].refunded).toBe(300);
    expect((await sandbox.calls({ orderId })).refund).toBe(1);
    const replay = await refund(orderId, "r-1", 300);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body.refundedAmount).toBe(300);
  });

  it.each(OFFLINE_VERSIONS)(
    "keeps a POS pay answered 504 by a proxy UNKNOWN, and settles it CAPTURED when LINE Pay processed it (Offline API %s)",
    async (version) => {
      const gw = posGateway(version);
      useTestClock();
      const orderId = uniqueId("pos");
      await gw.fault("pos.pay", { type: "http", status: 504, phase: "later", ms: 400 }, orderId);
      const first = await gw.pay(await posPayBody(orderId));
      expect(first.status).toBe(202);
      expect(first.body.state).toBe("UNKNOWN");

      await afterLinePayCatchesUp(gw.stub(orderId));
      const seen = await gw.view(orderId);
      const ledger = (await gw.ledger(orderId)).payments[orderId];
      expect(seen.body.state).toBe("CAPTURED");
      expect(seen.body.transactionId).toBe(ledger.transactionId);
      expect(ledger.captured).toBe(450);
      expect((await gw.calls(orderId))["pos.pay"]).toBe(1);
    },
  );

  it.each(OFFLINE_VERSIONS)(
    "settles CAPTURED a POS pay LINE Pay processed and answered 1145, payment in process (Offline API %s)",
    async (version) => {
      const gw = posGateway(version);
      const orderId = uniqueId("pos");
      await gw.fault("pos.pay", { type: "returnCode", returnCode: "1145", phase: "after" }, orderId);
      const first = await gw.pay(await posPayBody(orderId));
      expect(first.status).not.toBe(402);
      expect([200, 202]).toContain(first.status);
      const seen = await gw.view(orderId);
      expect(seen.body.state).toBe("CAPTURED");
      expect(seen.body.transactionId).toBe((await gw.ledger(orderId)).payments[orderId].transactionId);
      expect((await gw.calls(orderId))["pos.pay"]).toBe(1);
    },
  );

  it("waits for a capture still running at LINE Pay instead of inviting a second one", async () => {
    useTestClock();
    const { orderId } = await confirmed(uniqueId(), 1000, { payment: { capture: false } });
    await sandbox.fault("capture", { type: "delay", ms: PAST_THE_READ_TIMEOUT_MS, phase: "before" }, orderId);
    const capture = () => call("POST", `/v1/payments/${orderId}/capture`, { body: { amount: 1000, currency: "JPY" } });
    const first = await capture();
    expect(first.status).toBe(202);
    expect(first.body.state).toBe("UNKNOWN");
    const retry = await capture();
    expect(retry.status).toBe(202);

    await afterLinePayCatchesUp(orderStub(orderId));
    expect((await view(orderId)).body.state).toBe("CAPTURED");
    expect((await sandbox.ledger(orderId)).payments[orderId]).toMatchObject({ status: "CAPTURE", captured: 1000 });
    expect((await sandbox.calls({ orderId })).capture).toBe(1);
  });

  it("reads a status check of 0110 right after a lost confirm as 'not yet', and settles when the confirm lands", async () => {
    useTestClock();
    const { orderId } = await approved();
    await sandbox.fault("confirm", { type: "delay", ms: PAST_THE_READ_TIMEOUT_MS, phase: "before" }, orderId);
    const first = await confirm(orderId);
    expect(first.status).toBe(202);
    expect(first.body.state).toBe("UNKNOWN");

    await afterLinePayCatchesUp(orderStub(orderId));
    expect((await view(orderId)).body.state).toBe("CAPTURED");
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
    expect((await sandbox.ledger(orderId)).payments[orderId].captured).toBe(1000);
  });

  it("lets a confirm LINE Pay never received be sent again once it cannot be running any more", async () => {
    useTestClock();
    const { orderId } = await approved();
    await sandbox.fault("confirm", { type: "http", status: 503, phase: "before" }, orderId);
    const first = await confirm(orderId);
    expect(first.status).toBe(202);
    advanceClock(PAST_THE_WINDOW_MS);
    await runDurableObjectAlarm(orderStub(orderId));
    const seen = await view(orderId);
    expect(seen.body.state).toBe("RESERVED");
    expect(outcomes(seen)).toEqual(expect.arrayContaining(["not_found_yet", "not_processed"]));
    const second = await confirm(orderId);
    expect(second.status).toBe(200);
    expect((await sandbox.calls({ orderId })).confirm).toBe(2);
    expect((await sandbox.ledger(orderId)).payments[orderId].captured).toBe(1000);
  });
});

describe("a deposit whose first answer was lost", () => {
  it("stays UNKNOWN with an alert when the resend is refused for another reason, and completes once", async () => {
    useTestClock();
    const depositId = uniqueId("dep");
    await sandbox.fault("deposit", { type: "drop" }, depositId);
    await sandbox.fault("deposit", { type: "returnCode", returnCode: "1142" }, depositId);
    const first = await call("POST", "/v1/deposits", {
      scope: "deposits",
      body: { depositId, linePayNumber: "09012345678", amount: 3000, currency: "JPY" },
    });
    expect(first.status).toBe(202);
    expect(first.body.state).toBe("UNKNOWN");
    const journal = await viewDeposit(depositId);
    expect(journal.body.events.some((e: { detail?: string }) => e.detail?.startsWith("ALERT"))).toBe(true);

    advanceClock(30_000);
    await runDurableObjectAlarm(depositStub(depositId));
    const seen = await viewDeposit(depositId);
    expect(seen.body.state).toBe("COMPLETED");
    expect((await sandbox.ledger(depositId)).deposits[depositId]).toMatchObject({ amount: 3000 });
    expect((await sandbox.calls({ orderId: depositId })).deposit).toBe(3);
  });
});

describe("a durable wake-up", () => {
  it.each(OFFLINE_VERSIONS)(
    "holds an alarm from the write-ahead on, while the call is still in flight (Offline API %s)",
    async (version) => {
      const gw = posGateway(version);
      const orderId = uniqueId("pos");
      await gw.fault("pos.pay", { type: "delay", ms: 600 }, orderId);
      const pending = gw.pay(await posPayBody(orderId));
      await gw.arrived("pos.pay", orderId);
      const armed = await alarmOf(gw.stub(orderId));
      expect(armed).not.toBeNull();
      const settled = await pending;
      expect(settled.body.state).toBe("CAPTURED");
      expect(await alarmOf(gw.stub(orderId))).toBeNull();
    },
  );

  it.each(OFFLINE_VERSIONS)(
    "wakes by itself after a reset cut a pay off mid-call, and settles it from LINE Pay (Offline API %s)",
    async (version) => {
      const gw = posGateway(version);
      const orderId = uniqueId("pos");
      await gw.fault("pos.pay", { type: "delay", ms: 600 }, orderId);
      const pending = gw.pay(await posPayBody(orderId));
      await gw.arrived("pos.pay", orderId);
      await abortAllDurableObjects();
      const cut = await pending;
      expect(cut.status).toBe(409);
      await sandbox.idle();
      // Nobody asks about the order: the alarm armed with the write-ahead record does.
      expect(await runDurableObjectAlarm(gw.stub(orderId))).toBe(true);
      const seen = await gw.view(orderId);
      expect(seen.body.state).toBe("CAPTURED");
      expect((await gw.calls(orderId))["pos.pay"]).toBe(1);
    },
  );

  it.each(OFFLINE_VERSIONS)(
    "keeps its alarm through a configuration error in the alarm, and recovers once it is fixed (Offline API %s)",
    async (version) => {
      const gw = posGateway(version);
      useTestClock();
      const orderId = uniqueId("pos");
      const first = await gw.payUnknown(orderId);
      expect(first.status).toBe(202);
      const stub = gw.stub(orderId);
      advanceClock(10_000);
      await runInDurableObject(stub, async (instance: unknown) => {
        const object = instance as { env: Env; alarm(): Promise<void> };
        const good = object.env;
        object.env = { ...good, LINEPAY_CHANNEL_SECRET: "" };
        try {
          await object.alarm();
        } finally {
          object.env = good;
        }
      });
      expect(await alarmOf(stub)).not.toBeNull();
      advanceClock(120_000);
      await runDurableObjectAlarm(stub);
      expect((await gw.view(orderId)).body.state).toBe("CAPTURED");
    },
  );
});

describe("the reservation watch", () => {
  it("settles an order confirmed elsewhere (status check 0123) from the payment details", async () => {
    useTestClock();
    const { orderId, transactionId } = await approved();
    const elsewhere = createLinePayClient({
      apiBase: env.LINEPAY_API_BASE,
      channelId: env.LINEPAY_CHANNEL_ID,
      channelSecret: env.LINEPAY_CHANNEL_SECRET,
      deviceType: "POS",
      posTimeoutMs: 5_000,
      onlineVersion: "v3",
      fetch: (input, init) => env.SANDBOX.fetch(input, init),
    });
    expect((await elsewhere.confirm(transactionId, { amount: 1000, currency: "JPY" })).kind).toBe("success");

    advanceClock(22 * 60_000);
    await runDurableObjectAlarm(orderStub(orderId));
    const seen = await view(orderId);
    expect(seen.body.state).toBe("CAPTURED");
    expect(seen.body.payInfo).toEqual([expect.objectContaining({ amount: 1000 })]);
    expect((await sandbox.calls({ orderId })).check).toBeGreaterThanOrEqual(1);
  });
});

describe("a regKey that LINE Pay's card rules say must be expired", () => {
  it("is expired at LINE Pay even when the first expire fails, and is unusable from the card error on", async () => {
    const { token, orderId: subscription, regKey } = await regKeyToken();
    const chargeId = uniqueId("charge");
    await sandbox.fault("preapproved.pay", { type: "returnCode", returnCode: "1283" }, chargeId);
    await sandbox.fault("preapproved.expire", { type: "http", status: 500 }, subscription);
    const declined = await payOnToken(token, chargeId);
    expect(declined.status).toBe(402);
    expect((await sandbox.regKey(subscription)).status).toBe("ACTIVE");
    expect((await payOnToken(token, uniqueId("charge"))).status).toBe(404);

    const lane = env.REGKEY_LANES.getByName(await tokenId(token));
    expect(await runDurableObjectAlarm(lane)).toBe(true);
    expect((await sandbox.regKey(subscription)).status).toBe("EXPIRED");
    expect((await sandbox.calls({ regKey }))["preapproved.expire"]).toBe(2);
    expect(await env.REGKEYS.get(`regkey:${await tokenId(token)}`)).toBeNull();
    expect((await call("GET", `/v1/preapproved/${token}`)).status).toBe(404);
  });
});

describe("what else a lost answer must not lose", () => {
  it("keeps the transactionId of a preapproved payment whose answer had no payInfo, and verifies the amount later", async () => {
    useTestClock();
    const { token } = await regKeyToken();
    const chargeId = uniqueId("charge");
    await sandbox.fault("details", { type: "http", status: 500 }, chargeId);
    const paid = await payOnToken(token, chargeId);
    expect(paid.status).toBe(200);
    const ledger = (await sandbox.ledger(chargeId)).payments[chargeId];
    expect(paid.body).toMatchObject({ state: "CAPTURED", transactionId: ledger.transactionId });
    advanceClock(30_000);
    await runDurableObjectAlarm(orderStub(chargeId));
    const seen = await view(chargeId);
    expect(seen.body.transactionId).toBe(ledger.transactionId);
    expect(outcomes(seen)).toEqual(expect.arrayContaining(["amount_unverified", "amount_verified"]));
  });

  it("measures a preapproved payment's 'may still be running' from when its lane really sent it", async () => {
    const { token } = await regKeyToken();
    const slow = uniqueId("charge");
    const lost = uniqueId("charge");
    await sandbox.fault("preapproved.pay", { type: "delay", ms: 700 }, slow);
    await sandbox.fault("preapproved.pay", { type: "http", status: 500 }, lost);
    const first = payOnToken(token, slow);
    await sandbox.arrived("preapproved.pay", slow);
    const second = await payOnToken(token, lost);
    expect((await first).status).toBe(200);
    expect(second.status).toBe(202);
    const record = await storedOperation(orderStub(lost), "preapprovedPay");
    expect(Number(record!.sent_at) - Number(record!.started_at)).toBeGreaterThanOrEqual(500);
  });

  it.each(OFFLINE_VERSIONS)(
    "calls LINE Pay for a POS order with the terminal it was paid at, whatever the configured one (Offline API %s)",
    async (version) => {
      const gw = posGateway(version);
      const orderId = uniqueId("pos");
      await gw.pay(await posPayBody(orderId, { capture: false, deviceProfileId: "till-9" }));
      await gw.call("POST", `/v1/payments/${orderId}/capture`, { body: { amount: 450, currency: "JPY" } });
      await gw.call("POST", `/v1/payments/${orderId}/refund`, {
        body: { refundAmount: 100 },
        headers: { "Idempotency-Key": "till-9-refund" },
      });
      const devices = (await gw.ledger(orderId)).payments[orderId].deviceProfileIds;
      expect(devices).toMatchObject({ "pos.pay": "till-9", "pos.capture": "till-9", "pos.refund": "till-9" });
      await gw.expectAuthenticated(orderId);
    },
  );

  it.each(OFFLINE_VERSIONS)(
    "encodes an orderId with / ? # % in every offline path (Offline API %s)",
    async (version) => {
      const gw = posGateway(version);
      const orderId = `till/7?a#b%c-${crypto.randomUUID().slice(0, 8)}`;
      const path = encodeURIComponent(orderId);
      expect((await gw.pay(await posPayBody(orderId, { capture: false }))).body.state).toBe("AUTHORIZED");
      const capture = await gw.call("POST", `/v1/payments/${path}/capture`, {
        body: { amount: 450, currency: "JPY" },
      });
      expect(capture.body.state).toBe("CAPTURED");
      const refunded = await gw.call("POST", `/v1/payments/${path}/refund`, {
        body: {},
        headers: { "Idempotency-Key": "all" },
      });
      expect(refunded.body.state).toBe("REFUNDED");
      expect((await gw.ledger(orderId)).payments[orderId]).toMatchObject({ captured: 450, refunded: 450 });
      // v4 signs the path as sent, percent-encoded: the sandbox verified every call.
      await gw.expectAuthenticated(orderId);
    },
  );

  it("replays a pay whose compensating refund finished later with the refund's answer", async () => {
    useTestClock();
    const { orderId } = await approved();
    await sandbox.fault("confirm", { type: "payAmount", amount: 1200 }, orderId);
    await sandbox.fault("refund", { type: "http", status: 500 }, orderId);
    await sandbox.fault("details", { type: "http", status: 500 }, orderId);
    const first = await confirm(orderId);
    expect(first.status).toBe(502);
    expect(first.body.detail).toContain("keeps retrying");
    advanceClock(30_000);
    await runDurableObjectAlarm(orderStub(orderId));
    expect((await view(orderId)).body.state).toBe("REFUNDED");
    const replay = await confirm(orderId);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.status).toBe(502);
    expect(replay.body.detail).toContain("refunded the payment");
  });
});
