/**
 * Events in tests: the test receiver's controls (test/support/receiver.ts, over the RECEIVER
 * service binding), an order made through the gateway to hang synthetic events on, and the
 * queue message the order objects will send, put on the real `linepay-events` queue.
 */
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { runInDurableObject } from "cloudflare:test";
import { OrderStore } from "../../durable-objects/store/order-store";
import type { EventMessage, EventType } from "../../model/events";
import type { ReceivedDelivery, Rule } from "./receiver";
import { orderStub, posPay, posPayBody, view } from "./flows";
import { uniqueId } from "./gateway";

const BASE = "http://receiver.test";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function control(method: string, path: string, body?: unknown): Promise<any> {
  const res = await env.RECEIVER.fetch(`${BASE}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`receiver control ${method} ${path}: ${res.status}`);
  return res.json();
}

export type { ReceivedDelivery };

export const receiver = {
  /** The next `times` deliveries of that event (or order) answer `status` or hang `hangMs`. */
  answer: (rule: Rule) => control("POST", "/__receiver/rules", rule),
  deliveries: (filter: { eventId?: string; orderId?: string }): Promise<ReceivedDelivery[]> =>
    control("GET", `/__receiver/deliveries?${new URLSearchParams(filter)}`),
  deadLetters: (eventId: string): Promise<EventMessage[]> =>
    control("GET", `/__receiver/dead-letters?${new URLSearchParams({ eventId })}`),
};

/** A CAPTURED POS order, made through the gateway: a real owner for synthetic events. */
export async function capturedOrder(): Promise<{ orderId: string; data: Record<string, unknown> }> {
  const orderId = uniqueId("evt");
  const paid = await posPay(await posPayBody(orderId));
  expect(paid.status).toBe(200);
  const { events: _journal, ...data } = (await view(orderId)).body;
  return { orderId, data };
}

/**
 * An event of a real order, as its outbox holds it: written into the order object's own outbox
 * (already handed over, so the object does not send it itself) and returned as the queue
 * message the object would send, for the test to put on the queue or hand to the consumer.
 */
export async function eventMessage(
  orderId: string,
  data: unknown,
  event: { type?: EventType; createdAt?: string } = {},
): Promise<EventMessage> {
  const written = await runInDurableObject(orderStub(orderId), (_instance, state) => {
    const store = new OrderStore(state.storage);
    const at = event.createdAt ? Date.parse(event.createdAt) : Date.now();
    return store.transaction(() => {
      const added = store.addEvent(event.type ?? "payment.captured", data, at);
      store.markQueued([added.id]);
      return added;
    });
  });
  return { owner: { binding: "ORDERS", name: `order:${orderId}` }, event: written };
}

export const enqueue = (message: EventMessage) => env.EVENTS.send(message, { contentType: "json" });

/** Waits (real time) until `read` gives something `done` accepts; returns it. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await read();
      if (!done(value)) throw new Error("not yet");
      return value;
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

/** The journal's delivery lines of one event: outcomes in order, and their details. */
export async function deliveryJournal(orderId: string, eventId: string) {
  const events = (await view(orderId)).body.events as { operation: string; outcome: string; detail?: string }[];
  return events.filter((e) => e.operation === "event" && e.detail?.includes(eventId));
}
