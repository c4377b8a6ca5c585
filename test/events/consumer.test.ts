/**
 * The consumer's decisions, driven through the Worker's own exported queue() handler with a
 * batch from `cloudflare:test` (so that each case can have an environment of its own): what it
 * acks, what it retries and after how long, what it reports, and that no configuration, owner
 * or message it is given makes it throw (a throwing handler retries a whole batch at once).
 * `getQueueResult` does not keep retry delays, so the test batch's own `retry` is watched
 * (passing through). The backoff is also checked as the pure function it is.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../functions/index";
import { isPastLifetime, retryDelaySeconds } from "../../functions/events/backoff";
import type { EventMessage } from "../../model/events";
import { capturedOrder, deliveryJournal, eventMessage, receiver } from "../support/events";

afterEach(() => vi.restoreAllMocks());

async function consume(messages: { body: unknown; attempts?: number }[], overrides: Partial<Env> = {}) {
  const batch = createMessageBatch(
    "linepay-events",
    messages.map((m, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body })),
  );
  const delays = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...overrides } as Env, ctx);
  const result = await getQueueResult(batch, ctx);
  return { ...result, retryDelays: delays.flatMap((spy) => spy.mock.calls.map((c) => c[0]?.delaySeconds)) };
}

const quiet = () => {
  const lines: string[] = [];
  for (const level of ["log", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  }
  return lines;
};

describe("backoff", () => {
  it("doubles from EVENTS_RETRY_DELAY_S and stops at an hour", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((a) => retryDelaySeconds(30, a))).toEqual([
      30, 60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]);
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds(1, a))).toEqual([1, 2, 4, 8]);
    expect(retryDelaySeconds(1, 13)).toBe(3600);
    expect(retryDelaySeconds(5000, 1)).toBe(3600);
    expect(retryDelaySeconds(1, 1_000_000)).toBe(3600);
  });

  it("gives an event up once it is 24 h old", () => {
    const made = Date.parse("2026-11-30T10:00:00.000Z");
    expect(isPastLifetime("2026-11-30T10:00:00.000Z", made + 24 * 3600_000 - 1)).toBe(false);
    expect(isPastLifetime("2026-11-30T10:00:00.000Z", made + 24 * 3600_000)).toBe(true);
  });
});

describe("the queue consumer", () => {
  it("acks and sends nothing when no receiver is configured", async () => {
    const { orderId, data } = await capturedOrder();
    const message = await eventMessage(orderId, data);
    const result = await consume([{ body: message }], { EVENTS_WEBHOOK_URL: "" } as Partial<Env>);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(result.retryMessages).toEqual([]);
    expect(await receiver.deliveries({ eventId: message.event.id })).toEqual([]);
    expect(await deliveryJournal(orderId, message.event.id)).toEqual([]);
  });

  it("keeps an event it cannot send under a bad configuration: retried after the backoff, journaled, no throw", async () => {
    const lines = quiet();
    const { orderId, data } = await capturedOrder();
    const message = await eventMessage(orderId, data);
    const broken = { EVENTS_WEBHOOK_URL: "http://merchant.example/events", EVENTS_RETRY_DELAY_S: "soon" };
    const result = await consume([{ body: message, attempts: 2 }], broken as Partial<Env>);
    expect(result.outcome).toBe("ok");
    expect(result.explicitAcks).toEqual([]);
    // The configured delay is unreadable: the default 30 s, doubled for the second attempt.
    expect(result.retryMessages).toEqual([{ msgId: "msg-0" }]);
    expect(result.retryDelays).toEqual([60]);
    expect(await receiver.deliveries({ eventId: message.event.id })).toEqual([]);
    expect(await deliveryJournal(orderId, message.event.id)).toEqual([
      expect.objectContaining({
        outcome: "event_failed",
        detail: `event ${message.event.id}, attempt 2, not sent: invalid configuration (GET /healthz)`,
      }),
    ]);
    const logged = lines.join("\n");
    expect(logged).toContain('"event":"config.error"');
    expect(logged).toContain("EVENTS_WEBHOOK_URL must be https");
    expect(logged).not.toContain("merchant.example");
  });

  it("retries an event, delivered or not, whose owner does not hear the report", async () => {
    const lines = quiet();
    const { orderId, data } = await capturedOrder();
    const message = await eventMessage(orderId, data);
    const unreachable = {
      getByName: () => ({
        recordDelivery: async () => {
          throw new Error("object unavailable");
        },
      }),
    } as unknown as Env["ORDERS"];
    const result = await consume([{ body: message, attempts: 3 }], { ORDERS: unreachable });
    // The receiver has it (a redelivery will repeat it, with the same webhook-id)...
    expect(await receiver.deliveries({ eventId: message.event.id })).toHaveLength(1);
    // ...but the queue keeps it until its owner knows.
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: "msg-0" }]);
    expect(result.retryDelays).toEqual([4]);
    expect(lines.join("\n")).toContain('"event":"events.report_failed"');
  });

  it("keeps an event past 24 h that the dead-letter queue did not take: retried, not acked, not reported dead", async () => {
    quiet();
    const { orderId, data } = await capturedOrder();
    const message = await eventMessage(orderId, data, {
      createdAt: new Date(Date.now() - 25 * 3600_000).toISOString(),
    });
    await receiver.answer({ eventId: message.event.id, status: 500 });
    const full = {
      send: async () => {
        throw new Error("queue unavailable");
      },
    } as unknown as Queue;
    const kept = await consume([{ body: message, attempts: 30 }], { EVENTS_DLQ: full });
    expect(kept.explicitAcks).toEqual([]);
    expect(kept.retryDelays).toEqual([3600]);
    expect(await deliveryJournal(orderId, message.event.id)).toEqual([]);
    // With the dead-letter queue back: parked, acked, reported.
    const parked = await consume([{ body: message, attempts: 31 }]);
    expect(parked.explicitAcks).toEqual(["msg-0"]);
    expect((await deliveryJournal(orderId, message.event.id)).map((e) => e.outcome)).toEqual(["event_dead"]);
  });

  it("drops a message that is not an event, sends nothing, and goes on with the rest of the batch", async () => {
    quiet();
    const { orderId, data } = await capturedOrder();
    const good = await eventMessage(orderId, data);
    const undated = { ...good, event: { ...good.event, id: `evt_${crypto.randomUUID()}`, createdAt: "yesterday" } };
    const noOwner = { event: good.event } as unknown as EventMessage;
    const result = await consume([{ body: "hello" }, { body: undated }, { body: noOwner }, { body: good }]);
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1", "msg-2", "msg-3"]);
    expect(await receiver.deliveries({ eventId: undated.event.id })).toEqual([]);
    expect(await receiver.deliveries({ eventId: good.event.id })).toHaveLength(1);
    expect(await deliveryJournal(orderId, good.event.id)).toHaveLength(1);
  });

  it("logs one line per attempt with no secret, signature, body or receiver URL in it", async () => {
    const lines = quiet();
    const { orderId, data } = await capturedOrder();
    const message = await eventMessage(orderId, data);
    await receiver.answer({ eventId: message.event.id, status: 502, times: 1 });
    await consume([{ body: message }]);
    await consume([{ body: message, attempts: 2 }]);
    const attempts = lines.map((l) => JSON.parse(l)).filter((l) => l.event === "events.delivery");
    expect(attempts).toEqual([
      expect.objectContaining({
        eventId: message.event.id,
        eventType: "payment.captured",
        attempt: 1,
        outcome: "failed",
        status: 502,
        ms: expect.any(Number),
      }),
      expect.objectContaining({ eventId: message.event.id, attempt: 2, outcome: "delivered", status: 204 }),
    ]);
    const deliveries = await receiver.deliveries({ eventId: message.event.id });
    const never = [
      env.EVENTS_WEBHOOK_SECRET,
      env.EVENTS_WEBHOOK_SECRET.replace(/^whsec_/, ""),
      ...deliveries.map((d) => d.headers["webhook-signature"]!.replace(/^v1,/, "")),
      deliveries[0]!.body,
      JSON.stringify(data),
      "receiver.test",
    ];
    for (const line of lines) for (const secret of never) expect(line).not.toContain(secret);
  });
});
