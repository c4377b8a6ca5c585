/**
 * The Worker's `queue()` handler for `linepay-events` (CONTRACT.md "Events to the merchant"):
 * each message is one event of an order, deposit or regKey lane. It is signed and posted to its
 * target; after every attempt the owner object hears how it went (`recordDelivery`, journaled
 * as `event_delivered` / `event_failed` / `event_dead`). A failed attempt is retried by the
 * queue with backoff (backoff.ts) until the event is 24 h old; then it goes to the dead-letter
 * queue through EVENTS_DLQ and the original is acked. A report that does not reach its owner
 * retries the message: at least once, so a receiver dedupes on `webhook-id`.
 *
 * Nothing here throws to the queue: a handler that throws retries the whole batch at once, with
 * no delay. Each message is acked or retried with a delay of its own.
 */
import { ConfigError, readConfig, type Config } from "../../model/config";
import type { DeliveryOutcome, DeliveryReport, EventMessage } from "../../model/events";
import { logEdge } from "../log";
import { isPastLifetime, retryDelaySeconds } from "./backoff";
import { deliverEvent, type AttemptResult } from "./delivery";
import { parseEventMessage } from "./message";
import { deliveryTarget } from "./target";

/** The backoff base when the configuration cannot be read (its default). */
const DEFAULT_RETRY_DELAY_S = 30;

/** What an owner object offers the consumer (OrderObject today; RegKeyLane when it gains it). */
interface DeliveryListener {
  recordDelivery(report: DeliveryReport): Promise<void>;
}

function ownerOf(env: Env, owner: EventMessage["owner"]): DeliveryListener {
  // Over RPC a method the class lacks is an error at the call, which report() catches.
  return env[owner.binding].getByName(owner.name) as unknown as DeliveryListener;
}

async function report(env: Env, message: EventMessage, report: DeliveryReport): Promise<boolean> {
  try {
    await ownerOf(env, message.owner).recordDelivery(report);
    return true;
  } catch (error) {
    logEdge({
      event: "events.report_failed",
      level: "error",
      eventId: message.event.id,
      eventType: message.event.type,
      attempt: report.attempt,
      outcome: report.outcome,
      error: error instanceof Error ? error.name : "unknown",
    });
    return false;
  }
}

function logAttempt(message: EventMessage, attempt: number, outcome: DeliveryOutcome, result: AttemptResult): void {
  logEdge({
    event: "events.delivery",
    level: outcome === "dead" ? "error" : "info",
    eventId: message.event.id,
    eventType: message.event.type,
    attempt,
    outcome,
    ...(result.status !== undefined ? { status: result.status } : {}),
    ...(result.detail ? { detail: result.detail } : {}),
    ms: result.ms,
  });
}

async function handleMessage(queued: Message<unknown>, env: Env, config: Config | undefined): Promise<void> {
  const message = parseEventMessage(queued.body);
  if (!message) {
    logEdge({ event: "events.malformed", level: "error", detail: "a queue message that is not an event was dropped" });
    queued.ack();
    return;
  }
  const attempt = queued.attempts;
  const delaySeconds = retryDelaySeconds(config?.events.retryDelayS ?? DEFAULT_RETRY_DELAY_S, attempt);
  const retry = () => queued.retry({ delaySeconds });

  let result: AttemptResult;
  if (config) {
    const target = await deliveryTarget(message, config);
    // No receiver: the owner journals its events anyway, and there is no one to tell.
    if (!target) {
      queued.ack();
      return;
    }
    result = await deliverEvent(target, message.event);
  } else {
    // Not a 500 and not lost: the event waits, with backoff, for a configuration that works.
    result = { delivered: false, detail: "not sent: the gateway's configuration is invalid (GET /healthz)", ms: 0 };
  }
  const base = {
    eventId: message.event.id,
    attempt,
    ...(result.status !== undefined ? { status: result.status } : {}),
    ...(result.detail ? { detail: result.detail } : {}),
  };

  if (result.delivered) {
    logAttempt(message, attempt, "delivered", result);
    if (await report(env, message, { ...base, outcome: "delivered" })) queued.ack();
    else retry();
    return;
  }
  if (!isPastLifetime(message.event.createdAt, Date.now())) {
    logAttempt(message, attempt, "failed", result);
    // Retried either way; a lost report only costs one journal line.
    await report(env, message, { ...base, outcome: "failed" });
    retry();
    return;
  }
  // 24 h of failures: the event is parked in the dead-letter queue before the original goes.
  try {
    await env.EVENTS_DLQ.send(queued.body, { contentType: "json" });
  } catch (error) {
    logEdge({
      event: "events.dead_letter_failed",
      level: "error",
      eventId: message.event.id,
      error: error instanceof Error ? error.name : "unknown",
    });
    retry();
    return;
  }
  logAttempt(message, attempt, "dead", result);
  // Should the report be lost, the retry may park the event twice: the same id, deduped.
  if (await report(env, message, { ...base, outcome: "dead" })) queued.ack();
  else retry();
}

export async function handleEventBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  let config: Config | undefined;
  try {
    config = readConfig(env);
  } catch (error) {
    logEdge({
      event: "config.error",
      level: "error",
      error: error instanceof Error ? error.name : "unknown",
      detail: error instanceof ConfigError ? error.message : "the configuration could not be read",
    });
  }
  await Promise.all(
    batch.messages.map(async (queued) => {
      try {
        await handleMessage(queued, env, config);
      } catch (error) {
        // Unexpected (a bug, or the runtime): the event is kept, tried again after the backoff.
        logEdge({
          event: "events.internal_error",
          level: "error",
          error: error instanceof Error ? error.name : "unknown",
        });
        queued.retry({
          delaySeconds: retryDelaySeconds(config?.events.retryDelayS ?? DEFAULT_RETRY_DELAY_S, queued.attempts),
        });
      }
    }),
  );
}
