/**
 * Events to the merchant from an order or deposit (CONTRACT.md "Events to the merchant"). Every
 * change of its state, its refunded amount, or the customer's approval is one event, written
 * into the object's outbox in the same transaction as the change (the runner calls `tell`), so
 * no crash or queue outage can lose one and none is told for a change that did not commit. The
 * outbox is handed to the `EVENTS` queue right after the commit, and by the object's alarm for
 * whatever that missed; the queue's consumer (functions/events/) delivers and reports back.
 * Nothing is written when no webhook URL is configured: the journal tells the story then.
 */
import type { DeliveryReport, EventMessage, EventType } from "../model/events";
import { objectName } from "../model/rpc";
import { logEvent } from "./log";
import { refOfOrder, type OrderRecord, type OrderStore } from "./store/order-store";
import { DEFAULT_MERCHANT_ID } from "../model/merchant";
import { orderView } from "./views";

const PAID_EVENTS: Partial<Record<OrderRecord["state"], EventType>> = {
  AUTHORIZED: "payment.authorized",
  CAPTURED: "payment.captured",
  VOIDED: "payment.voided",
  REFUNDED: "payment.refunded",
  PARTIALLY_REFUNDED: "payment.refunded",
  FAILED: "payment.failed",
  EXPIRED: "payment.expired",
};

const DEPOSIT_EVENTS: Partial<Record<OrderRecord["state"], EventType>> = {
  COMPLETED: "deposit.completed",
  FAILED: "deposit.failed",
};

/**
 * The event a committed change tells, if any. `lost`: an operation's answer was just lost (the
 * order is UNKNOWN because of it, not merely in flight). A reservation, or an order still in
 * its first call, tells nothing yet.
 */
function eventTypeFor(before: OrderRecord | undefined, after: OrderRecord, lost: boolean): EventType | undefined {
  const deposit = after.scope === "deposit";
  if (lost) return deposit ? "deposit.unknown" : "payment.unknown";
  if (after.state === "UNKNOWN") return undefined;
  if (!deposit && before?.data.authenticatedAt === undefined && after.data.authenticatedAt !== undefined)
    return "payment.authenticated";
  const changed =
    before?.state !== after.state || (before !== undefined && before.refundedAmount !== after.refundedAmount);
  if (!changed) return undefined;
  return (deposit ? DEPOSIT_EVENTS : PAID_EVENTS)[after.state];
}

/** Every event's data names its merchant (CONTRACT.md "Merchants"), the default one too. */
const merchantIdOf = (order: OrderRecord): string => order.merchantId ?? DEFAULT_MERCHANT_ID;

/** When the queue refuses a hand-over, the alarm tries again this much later. */
const HANDOVER_RETRY_MS = 30_000;

export interface EventsHost {
  store: OrderStore;
  queue: Queue<EventMessage>;
  /** whether events of this order are delivered anywhere (its merchant's or the global webhook URL) */
  enabled(order: OrderRecord): boolean;
  /** keeps the object alive for work that outlives the request */
  waitUntil(promise: Promise<unknown>): void;
  /** the regKey token this order issued, unsealed (a `regkey.expired` event names it; never stored in clear) */
  regKeyToken(): Promise<string | undefined>;
}

export class OrderEvents {
  readonly #host: EventsHost;
  /** one hand-over at a time, so two never send the same pending events */
  #handing: Promise<void> | undefined;
  #again = false;

  constructor(host: EventsHost) {
    this.#host = host;
  }

  /** Inside the transaction of a change: writes the event it tells into the outbox. */
  tell(before: OrderRecord | undefined, after: OrderRecord, lost: boolean, now: number): void {
    if (!this.#host.enabled(after)) return;
    const type = eventTypeFor(before, after, lost);
    if (type) this.#host.store.addEvent(type, { ...orderView(after), merchantId: merchantIdOf(after) }, now);
  }

  /**
   * The regKey this (PREAPPROVED) order issued was expired (regkey/lane.ts): journaled, and told
   * as `regkey.expired`, once however often the lane asks.
   */
  regKeyExpired(returnCode: string | undefined, now: number): void {
    const { store } = this.#host;
    const order = store.loadOrder();
    if (!order || order.data.regKeyExpiredAt !== undefined) return;
    store.transaction(() => {
      store.saveOrder({ ...order, data: { ...order.data, regKeyExpiredAt: now }, updatedAt: now });
      store.appendEvent(
        {
          operation: "regkey",
          outcome: "removed",
          ...(returnCode ? { returnCode } : {}),
          detail: "the regKey is expired at LINE Pay and removed from the vault",
        },
        now,
      );
      if (this.#host.enabled(order)) {
        const data = { orderId: order.refId, ...(returnCode ? { returnCode } : {}), merchantId: merchantIdOf(order) };
        store.addEvent("regkey.expired", data, now);
      }
    });
    this.handOverSoon();
  }

  /**
   * After the commit: hands the outbox to the queue without holding up the caller's answer, when
   * the commit wrote an event. Events an earlier hand-over could not send (a crash, a queue
   * outage) are the alarm's, armed for them in their own commit (`OrderStore.nextWakeAt`).
   */
  handOverSoon(): void {
    if (this.#host.store.takeEventsWritten()) this.#host.waitUntil(this.handOver());
  }

  /** Sends every event not yet queued (one hand-over at a time); what fails stays pending for the alarm. */
  async handOver(): Promise<void> {
    if (this.#handing) {
      this.#again = true;
      return this.#handing;
    }
    this.#handing = (async () => {
      do {
        this.#again = false;
        await this.#sendPending();
      } while (this.#again);
    })().finally(() => (this.#handing = undefined));
    return this.#handing;
  }

  async #sendPending(): Promise<void> {
    const { store, queue } = this.#host;
    const pending = store.pendingEvents();
    if (pending.length === 0) return;
    const order = store.loadOrder();
    if (!order) return;
    const owner = { binding: "ORDERS" as const, name: objectName(refOfOrder(order)) };
    // A regkey.expired event names the (now dead) token, added only on its way out.
    if (pending.some((e) => e.type === "regkey.expired")) {
      const regKeyToken = await this.#host.regKeyToken();
      for (const e of pending)
        if (e.type === "regkey.expired") e.data = { regKeyToken, ...(e.data as Record<string, unknown>) };
    }
    try {
      const merchant = order.merchantId ? { merchantId: order.merchantId } : {};
      await queue.sendBatch(pending.map((event) => ({ body: { owner, ...merchant, event } satisfies EventMessage })));
    } catch (error) {
      logEvent({ event: "events.enqueue_failed", level: "error", error: error instanceof Error ? error.name : "?" });
      const ids = pending.map((e) => e.id);
      store.transaction(() => store.postponeHandover(ids, Date.now() + HANDOVER_RETRY_MS));
      return;
    }
    store.transaction(() => store.markQueued(pending.map((e) => e.id)));
  }

  /** The consumer's report of one delivery attempt: journaled once, and the outbox row settled. */
  record(report: DeliveryReport, now: number): void {
    const { store } = this.#host;
    store.transaction(() => {
      if (!store.markDelivery(report.eventId, report.outcome, report.attempt)) return;
      const detail = [
        `event ${report.eventId}`,
        `attempt ${report.attempt}`,
        report.status && `HTTP ${report.status}`,
        report.detail,
      ]
        .filter(Boolean)
        .join(", ");
      store.appendEvent({ operation: "event", outcome: `event_${report.outcome}`, detail }, now);
    });
  }
}
