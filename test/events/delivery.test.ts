/**
 * Events to the merchant through the real `linepay-events` queue (Miniflare's), the gateway's
 * own queue() consumer and the test receiver: every delivery is checked with the reference
 * Standard Webhooks implementation (the `standardwebhooks` package), never with the gateway's
 * signing code. The events are synthetic (test/support/events.ts) but their owners are real
 * orders, made through the gateway, whose journals record each attempt.
 */
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { advanceClock, useTestClock } from "../support/clock";
import {
  capturedOrder,
  deliveryJournal,
  enqueue,
  eventMessage,
  eventually,
  receiver,
  type ReceivedDelivery,
} from "../support/events";

const HOUR_MS = 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Standard Webhooks' own verification of one received delivery: the event it carries. */
const verified = (d: ReceivedDelivery, secret = env.EVENTS_WEBHOOK_SECRET) =>
  new Webhook(secret).verify(d.body, d.headers);

const outcomesOf = (journal: { outcome: string }[]) => journal.map((e) => e.outcome);

describe("event delivery", () => {
  it("delivers an event once, signed so that Standard Webhooks verifies it, and journals it", async () => {
    const { orderId, data } = await capturedOrder();
    const message = await eventMessage(orderId, data);
    await enqueue(message);

    const [delivery] = await eventually(
      () => receiver.deliveries({ eventId: message.event.id }),
      (d) => d.length > 0,
    );
    expect(delivery!.method).toBe("POST");
    expect(delivery!.path).toBe("/events");
    expect(delivery!.headers["content-type"]).toBe("application/json");
    expect(delivery!.headers["webhook-id"]).toBe(message.event.id);
    expect(verified(delivery!)).toEqual(message.event);
    // The body is the event, and nothing else: `{id, type, createdAt, sequence, data}`.
    expect(Object.keys(JSON.parse(delivery!.body))).toEqual(["id", "type", "createdAt", "sequence", "data"]);
    // Signed now, to the second.
    expect(Math.abs(Number(delivery!.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(30);
    // Another secret does not verify it: the signature is the key's, not any key's.
    const other = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
    expect(() => verified(delivery!, other)).toThrow(/signature/i);

    const journal = await eventually(
      () => deliveryJournal(orderId, message.event.id),
      (j) => j.length > 0,
    );
    expect(journal).toEqual([
      expect.objectContaining({ outcome: "event_delivered", detail: `event ${message.event.id}, attempt 1, HTTP 204` }),
    ]);
    // Acked: no second delivery after the queue's batch window and more.
    await sleep(2_500);
    expect(await receiver.deliveries({ eventId: message.event.id })).toHaveLength(1);
  });

  it("redelivers with the same webhook-id after each failure, the delay doubling, until the receiver takes it", async () => {
    const { orderId, data } = await capturedOrder();
    const message = await eventMessage(orderId, data);
    await receiver.answer({ eventId: message.event.id, status: 503, times: 3 });
    await enqueue(message);

    const deliveries = await eventually(
      () => receiver.deliveries({ eventId: message.event.id }),
      (d) => d.length >= 4,
      40_000,
    );
    expect(deliveries.map((d) => d.answered)).toEqual([503, 503, 503, 204]);
    for (const d of deliveries) {
      expect(d.headers["webhook-id"]).toBe(message.event.id);
      // Each attempt is signed afresh (its own timestamp) over the same body.
      expect(d.body).toBe(deliveries[0]!.body);
    }
    expect(verified(deliveries[3]!)).toEqual(message.event);
    // EVENTS_RETRY_DELAY_S is 1 in tests: 1 s, then 2 s, then 4 s between attempts.
    const gaps = deliveries.slice(1).map((d, i) => d.at - deliveries[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(1_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(2_000);
    expect(gaps[2]).toBeGreaterThanOrEqual(4_000);

    const journal = await eventually(
      () => deliveryJournal(orderId, message.event.id),
      (j) => j.length >= 4,
    );
    expect(outcomesOf(journal)).toEqual(["event_failed", "event_failed", "event_failed", "event_delivered"]);
    expect(journal.map((e) => e.detail)).toEqual([
      `event ${message.event.id}, attempt 1, HTTP 503`,
      `event ${message.event.id}, attempt 2, HTTP 503`,
      `event ${message.event.id}, attempt 3, HTTP 503`,
      `event ${message.event.id}, attempt 4, HTTP 204`,
    ]);
  }, 60_000);

  it("counts a receiver that does not answer within 10 s as failed, and delivers on the next attempt", async () => {
    const { orderId, data } = await capturedOrder();
    const message = await eventMessage(orderId, data, { type: "payment.refunded" });
    await receiver.answer({ eventId: message.event.id, hangMs: 15_000, times: 1 });
    await enqueue(message);

    const deliveries = await eventually(
      () => receiver.deliveries({ eventId: message.event.id }),
      (d) => d.length >= 2,
      40_000,
    );
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(10_000 + 1_000);
    expect(verified(deliveries[1]!)).toEqual(message.event);
    const journal = await eventually(
      () => deliveryJournal(orderId, message.event.id),
      (j) => j.length >= 2,
    );
    expect(journal.map((e) => [e.outcome, e.detail])).toEqual([
      ["event_failed", `event ${message.event.id}, attempt 1, timeout: no answer within 10 s`],
      ["event_delivered", `event ${message.event.id}, attempt 2, HTTP 204`],
    ]);
  }, 60_000);

  it("never follows a redirect: a 3xx is a failed attempt", async () => {
    const { orderId, data } = await capturedOrder();
    const message = await eventMessage(orderId, data);
    await receiver.answer({
      eventId: message.event.id,
      status: 307,
      location: "http://receiver.test/elsewhere",
      times: 1,
    });
    await enqueue(message);

    const journal = await eventually(
      () => deliveryJournal(orderId, message.event.id),
      (j) => j.length >= 2,
      30_000,
    );
    expect(journal.map((e) => [e.outcome, e.detail])).toEqual([
      ["event_failed", `event ${message.event.id}, attempt 1, HTTP 307, redirect not followed`],
      ["event_delivered", `event ${message.event.id}, attempt 2, HTTP 204`],
    ]);
    const deliveries = await receiver.deliveries({ eventId: message.event.id });
    expect(deliveries.map((d) => d.path)).toEqual(["/events", "/events"]);
  }, 40_000);

  it("keeps trying a receiver that never answers 2xx for 24 h, then parks the event in the dead-letter queue", async () => {
    useTestClock();
    const { orderId, data } = await capturedOrder();
    const message = await eventMessage(orderId, data, { type: "payment.unknown" });
    await receiver.answer({ eventId: message.event.id, status: 500 });
    await enqueue(message);

    const first = await eventually(
      () => receiver.deliveries({ eventId: message.event.id }),
      (d) => d.length >= 1,
    );
    expect(verified(first[0]!)).toEqual(message.event);
    await eventually(
      () => deliveryJournal(orderId, message.event.id),
      (j) => j.length >= 1,
    );

    // A minute short of 24 h: still a failure to retry, not a dead event.
    advanceClock(24 * HOUR_MS - 60_000);
    const second = await eventually(
      () => deliveryJournal(orderId, message.event.id),
      (j) => j.length >= 2,
    );
    expect(outcomesOf(second)).toEqual(["event_failed", "event_failed"]);
    expect(await receiver.deadLetters(message.event.id)).toEqual([]);

    // Past 24 h: the next failure is the last.
    advanceClock(2 * 60_000);
    const parked = await eventually(
      () => receiver.deadLetters(message.event.id),
      (m) => m.length > 0,
    );
    expect(parked).toEqual([message]);
    const journal = await eventually(
      () => deliveryJournal(orderId, message.event.id),
      (j) => j.length >= 3,
    );
    expect(journal.map((e) => [e.outcome, e.detail])).toEqual([
      ["event_failed", `event ${message.event.id}, attempt 1, HTTP 500`],
      ["event_failed", `event ${message.event.id}, attempt 2, HTTP 500`],
      ["event_dead", `event ${message.event.id}, attempt 3, HTTP 500`],
    ]);
    const deliveries = await receiver.deliveries({ eventId: message.event.id });
    expect(deliveries).toHaveLength(3);
    // The last attempt was signed at the gateway's (advanced) now, and still verifies.
    expect(verified(deliveries[2]!)).toEqual(message.event);

    // The original was acked: no fourth attempt after its backoff (4 s) and the batch window.
    await sleep(6_000);
    expect(await receiver.deliveries({ eventId: message.event.id })).toHaveLength(3);
    expect(await receiver.deadLetters(message.event.id)).toHaveLength(1);
  }, 60_000);
});
