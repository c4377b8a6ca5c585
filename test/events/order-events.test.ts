/**
 * The merchant hears about every change (CONTRACT.md "Events to the merchant"): real orders,
 * deposits and regKeys through the gateway, their events from the objects' own outboxes,
 * through the real queue and consumer to the test receiver, each verified there with the
 * reference Standard Webhooks implementation (`standardwebhooks`), never the gateway's code.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { OrderStore } from "../../durable-objects/store/order-store";
import type { MerchantEvent } from "../../model/events";
import { advanceClock, useTestClock } from "../support/clock";
import {
  approved,
  confirm,
  confirmed,
  fireAlarm,
  orderStub,
  posPay,
  posPayBody,
  regKeyToken,
  payOnToken,
  reserved,
  view,
} from "../support/flows";
import { eventually, receiver, type ReceivedDelivery } from "../support/events";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { OFFLINE_VERSIONS, posGateway } from "../support/pos-gateway";
import { sandbox } from "../support/sandbox";

const verified = (d: ReceivedDelivery) =>
  new Webhook(env.EVENTS_WEBHOOK_SECRET).verify(d.body, d.headers) as MerchantEvent;

/** The events delivered for an order (or deposit), verified, in the order of their sequence. */
async function eventsOf(id: string, atLeast: number): Promise<MerchantEvent[]> {
  const deliveries = await eventually(
    () => receiver.deliveries({ orderId: id }),
    (d) => new Set(d.filter((x) => x.answered === 204).map((x) => x.eventId)).size >= atLeast,
    20_000,
  );
  const byId = new Map<string, MerchantEvent>();
  for (const d of deliveries) if (d.answered === 204) byId.set(d.eventId!, verified(d));
  return [...byId.values()].sort((a, b) => a.sequence - b.sequence);
}

const types = (events: MerchantEvent[]) => events.map((e) => e.type);

describe("events from real changes", () => {
  it.each(OFFLINE_VERSIONS)(
    "tells a POS pay whose answer was lost as payment.unknown, then payment.captured once recovery settles it (Offline API %s)",
    async (version) => {
      const gw = posGateway(version);
      useTestClock();
      const orderId = uniqueId("pos");
      expect((await gw.payUnknown(orderId)).status).toBe(202);
      await fireAlarm(gw.stub(orderId));
      expect((await gw.view(orderId)).body.state).toBe("CAPTURED");

      const events = await eventsOf(orderId, 2);
      expect(types(events)).toEqual(["payment.unknown", "payment.captured"]);
      expect(events.map((e) => e.sequence)).toEqual([1, 2]);
      expect(events[1]!.data).toMatchObject({
        orderId,
        state: "CAPTURED",
        transactionId: expect.stringMatching(/^\d{19}$/),
      });
      expect(events[1]!.data).not.toHaveProperty("events");
    },
  );

  it("tells refunds, voids and expiries, each with the order as it became", async () => {
    const { orderId: refundedId } = await confirmed();
    await call("POST", `/v1/payments/${refundedId}/refund`, {
      body: { refundAmount: 300 },
      headers: { "Idempotency-Key": "a" },
    });
    await call("POST", `/v1/payments/${refundedId}/refund`, { body: {}, headers: { "Idempotency-Key": "b" } });
    const refunds = await eventsOf(refundedId, 3);
    expect(types(refunds)).toEqual(["payment.captured", "payment.refunded", "payment.refunded"]);
    expect(refunds.map((e) => (e.data as { state: string }).state)).toEqual([
      "CAPTURED",
      "PARTIALLY_REFUNDED",
      "REFUNDED",
    ]);

    const { orderId: voidedId } = await confirmed(uniqueId(), 1000, { payment: { capture: false } });
    await call("POST", `/v1/payments/${voidedId}/void`);
    expect(types(await eventsOf(voidedId, 2))).toEqual(["payment.authorized", "payment.voided"]);
  });

  it("tells a deposit completed", async () => {
    const depositId = uniqueId("dep");
    await call("POST", "/v1/deposits", {
      scope: "deposits",
      body: { depositId, linePayNumber: "09012345678", amount: 3000, currency: "JPY" },
    });
    const [done] = await eventsOf(depositId, 1);
    expect(done!.type).toBe("deposit.completed");
    expect(done!.data).toMatchObject({ depositId, state: "COMPLETED", amount: 3000 });
  });

  it("tells a regKey expired by LINE Pay's card rule, with its token, on the order that issued it", async () => {
    const { token, orderId: subscription } = await regKeyToken();
    const charge = uniqueId("charge");
    await sandbox.fault("preapproved.pay", { type: "returnCode", returnCode: "1283" }, charge);
    expect((await payOnToken(token, charge)).status).toBe(402);
    const events = await eventsOf(subscription, 2);
    expect(types(events)).toEqual(["payment.captured", "regkey.expired"]);
    expect(events[1]!.data).toEqual({
      regKeyToken: token,
      orderId: subscription,
      returnCode: "1283",
      merchantId: "default",
    });
    // The dead token rests nowhere in clear: only on its way out.
    const bytes = await runInDurableObject(orderStub(subscription), (_i, state) =>
      JSON.stringify(state.storage.sql.exec("SELECT * FROM outbox").toArray()),
    );
    expect(bytes).not.toContain(token);
  });

  it("redelivers a real event to a receiver that fails at first, with the same webhook-id", async () => {
    const orderId = uniqueId("pos");
    await receiver.answer({ orderId, status: 503, times: 2 });
    await posPay(await posPayBody(orderId));
    const deliveries = await eventually(
      () => receiver.deliveries({ orderId }),
      (d) => d.some((x) => x.answered === 204),
      30_000,
    );
    expect(deliveries.map((d) => d.answered)).toEqual([503, 503, 204]);
    expect(new Set(deliveries.map((d) => d.headers["webhook-id"])).size).toBe(1);
    expect(verified(deliveries[2]!).type).toBe("payment.captured");
  }, 40_000);
});

describe("events and crashes", () => {
  it("delivers an event its object committed but never handed over (as if it died right after the commit), by the alarm", async () => {
    useTestClock();
    const orderId = uniqueId("pos");
    await posPay(await posPayBody(orderId));
    // An event committed and never handed over: written straight into the object's outbox, as a
    // change's transaction writes it, with no hand-over after it (the object "died" there).
    const stub = orderStub(orderId);
    const written = await runInDurableObject(stub, (_instance, state) => {
      const store = new OrderStore(state.storage);
      return store.transaction(() =>
        store.addEvent("payment.captured", { orderId, note: "not yet handed over" }, Date.now()),
      );
    });
    expect(await receiver.deliveries({ eventId: written.id })).toEqual([]);
    await fireAlarm(stub);
    const [delivery] = await eventually(
      () => receiver.deliveries({ eventId: written.id }),
      (d) => d.length > 0,
    );
    expect(verified(delivery!)).toEqual(written);
  });

  it.each(OFFLINE_VERSIONS)(
    "tells nothing of a change that never committed: a pay LINE Pay never processed is no payment.captured (Offline API %s)",
    async (version) => {
      const gw = posGateway(version);
      useTestClock();
      const orderId = uniqueId("pos");
      await gw.fault("pos.pay", { type: "http", status: 500 }, orderId);
      expect((await gw.pay(await posPayBody(orderId))).status).toBe(202);
      advanceClock(2 * 60_000);
      await fireAlarm(gw.stub(orderId));
      expect((await gw.view(orderId)).body.state).toBe("FAILED");
      expect(types(await eventsOf(orderId, 2))).toEqual(["payment.unknown", "payment.failed"]);
    },
  );
});

describe("reservations that finish without the browser", () => {
  it("confirms by itself with autoConfirm once the customer approves: one confirm, payment.captured told", async () => {
    useTestClock();
    const orderId = uniqueId();
    const res = await call("POST", "/v1/payments", { body: { ...reserveBody(orderId), autoConfirm: true } });
    expect(res.status).toBe(201);
    expect(res.body.autoConfirm).toBe(true);
    await sandbox.approve(res.body.transactionId);
    await fireAlarm(orderStub(orderId));
    const seen = await view(orderId);
    expect(seen.body.state).toBe("CAPTURED");
    expect(seen.body.authenticatedAt).toEqual(expect.any(String));
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
    expect(types(await eventsOf(orderId, 2))).toEqual(["payment.authenticated", "payment.captured"]);
    // A caller's confirm afterwards gets the same answer, with no second confirm at LINE Pay.
    const late = await confirm(orderId);
    expect(late.status).toBe(200);
    expect(late.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
  });

  it("confirms with autoConfirm even when the approval was recorded and the confirm then lost (a restart between the two)", async () => {
    useTestClock();
    const orderId = uniqueId();
    const res = await call("POST", "/v1/payments", { body: { ...reserveBody(orderId), autoConfirm: true } });
    await sandbox.approve(res.body.transactionId);
    // What a restart right after the look's commit leaves: the approval recorded, no confirm begun.
    const stub = orderStub(orderId);
    await runInDurableObject(stub, (_instance, state) => {
      const store = new OrderStore(state.storage);
      const order = store.loadOrder()!;
      store.transaction(() =>
        store.saveOrder({ ...order, data: { ...order.data, authenticatedAt: Date.now() }, updatedAt: Date.now() }),
      );
    });
    await fireAlarm(stub);
    expect((await view(orderId)).body.state).toBe("CAPTURED");
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
    // Later looks (and callers) replay it: still one confirm at LINE Pay.
    await fireAlarm(stub);
    expect((await confirm(orderId)).headers.get("Idempotent-Replayed")).toBe("true");
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
  });

  it("tells payment.authenticated without autoConfirm, and the caller's confirm works as before", async () => {
    useTestClock();
    const { orderId } = await approved();
    await fireAlarm(orderStub(orderId));
    const seen = await view(orderId);
    expect(seen.body).toMatchObject({ state: "RESERVED", authenticatedAt: expect.any(String) });
    expect(types(await eventsOf(orderId, 1))).toEqual(["payment.authenticated"]);
    expect((await confirm(orderId)).body.state).toBe("CAPTURED");
    expect((await sandbox.calls({ orderId })).confirm).toBe(1);
  });

  it("ends a reservation the customer cancelled on the payment page EXPIRED, well before the 20-minute window", async () => {
    useTestClock();
    const { orderId, transactionId } = await reserved();
    await sandbox.cancel(transactionId);
    await fireAlarm(orderStub(orderId));
    const seen = await view(orderId);
    expect(seen.body.state).toBe("EXPIRED");
    expect(Date.parse(seen.body.events.at(-1).at) - Date.parse(seen.body.events[0].at)).toBeLessThan(60_000);
    expect(types(await eventsOf(orderId, 1))).toEqual(["payment.expired"]);
  });
});
