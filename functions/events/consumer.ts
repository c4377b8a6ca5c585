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
import { ConfigError, DEFAULT_RETRY_DELAY_S, readConfig, type Config } from "../../model/config";
import type { DeliveryOutcome, DeliveryReport, EventMessage } from "../../model/events";
import { logEdge, type EdgeLogEvent } from "../log";
import { isPastLifetime, retryDelaySeconds } from "./backoff";
import { deliverEvent, type AttemptResult } from "./delivery";
import { parseEventMessage } from "./message";
import { deliveryTarget } from "./target";

/** Tries `queued` again after the backoff for its attempt (the default base when the configuration cannot be read). */
const retryLater = (queued: Message<unknown>, config: Config | undefined) =>
  queued.retry({
    delaySeconds: retryDelaySeconds(config?.events.retryDelayS ?? DEFAULT_RETRY_DELAY_S, queued.attempts),
  });

/** What an owner object offers the consumer (OrderObject today; RegKeyLane when it gains it). */
interface DeliveryListener {
  recordDelivery(report: DeliveryReport): Promise<void>;
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : "unknown");
const logError = (event: string, message: EventMessage | undefined, extra: Partial<EdgeLogEvent>) =>
  logEdge({
    event,
    level: "error",
    ...(message ? { eventId: message.event.id, eventType: message.event.type } : {}),
    ...extra,
  });

/** True once the owner has journaled `report`; a failure is logged, never thrown. */
async function reported(env: Env, message: EventMessage, report: DeliveryReport): Promise<boolean> {
  try {
    // Over RPC a method the class lacks is an error at the call, caught here like any other.
    const owner = env[message.owner.binding].getByName(message.owner.name) as unknown as DeliveryListener;
    await owner.recordDelivery(report);
    return true;
  } catch (error) {
    logError("events.report_failed", message, {
      attempt: report.attempt,
      outcome: report.outcome,
      error: errorName(error),
    });
    return false;
  }
}

async function handleMessage(queued: Message<unknown>, env: Env, config: Config | undefined): Promise<void> {
  const message = parseEventMessage(queued.body);
  if (!message) {
    // Only the order objects produce these: another shape is a bug no retry could mend.
    logError("events.malformed", undefined, {});
    return queued.ack();
  }
  const attempt = queued.attempts;
  const retry = () => retryLater(queued, config);

  let result: AttemptResult;
  if (config) {
    const target = await deliveryTarget(message, config, env);
    // No receiver: the owner journals its events anyway, and there is no one to tell.
    if (!target) return queued.ack();
    result = await deliverEvent(target, message.event);
  } else {
    // Not a 500 and not lost: the event waits, with backoff, for a configuration that works.
    result = { delivered: false, detail: "not sent: invalid configuration (GET /healthz)", ms: 0 };
  }
  const { status, detail, ms } = result;
  const dead = !result.delivered && isPastLifetime(message.event.createdAt, Date.now());
  if (dead) {
    // 24 h of failures: the event is parked in the dead-letter queue before the original goes.
    try {
      await env.EVENTS_DLQ.send(queued.body, { contentType: "json" });
    } catch (error) {
      logError("events.dead_letter_failed", message, { attempt, error: errorName(error) });
      return retry();
    }
  }
  const outcome: DeliveryOutcome = result.delivered ? "delivered" : dead ? "dead" : "failed";
  logEdge({
    event: "events.delivery",
    level: dead ? "error" : "info",
    eventId: message.event.id,
    eventType: message.event.type,
    attempt,
    outcome,
    status,
    detail,
    ms,
  });
  const ok = await reported(env, message, { eventId: message.event.id, outcome, attempt, status, detail });
  // A failure is retried either way (a lost report costs one journal line); a delivered or
  // dead event is let go only once its owner knows. Should a dead event's report be lost, the
  // retry may park it twice: the same id, for whoever reads the dead-letter queue to dedupe.
  if (outcome === "failed" || !ok) retry();
  else queued.ack();
}

export async function handleEventBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  let config: Config | undefined;
  try {
    config = readConfig(env);
  } catch (error) {
    logError("config.error", undefined, {
      error: errorName(error),
      detail: error instanceof ConfigError ? error.message : undefined,
    });
  }
  await Promise.all(
    batch.messages.map((queued) =>
      handleMessage(queued, env, config).catch((error: unknown) => {
        // Unexpected (a bug, or the runtime): the event is kept, tried again after the backoff.
        logError("events.internal_error", undefined, { error: errorName(error) });
        retryLater(queued, config);
      }),
    ),
  );
}
