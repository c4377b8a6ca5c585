/**
 * The heart of the gateway: runs one operation on one order so that retries and races
 * reach LINE Pay at most once, and a lost answer is found out, never guessed.
 *
 * 1. fingerprint the request; a finished operation with the same fingerprint is replayed,
 *    one still running is awaited (coalescing), a different fingerprint is a 422;
 * 2. operations on one order run one at a time (a promise chain), each re-checking the
 *    state it starts from (transitions.ts);
 * 3. write-ahead: the operation is persisted PENDING before LINE Pay is called, so an
 *    object restarted mid-call knows it must recover, not retry;
 * 4. the flow calls LINE Pay and interprets the answer; a lost answer makes the order
 *    UNKNOWN, is checked at once, and then by alarm with backoff until it settles.
 */
import type { GatewayAnswer } from "../model/answer";
import type { OrderCommand } from "../model/commands";
import { GatewayError } from "../model/problem";
import type { OrderRef } from "../model/rpc";
import { fingerprint } from "./fingerprint";
import { watchReservation } from "./flows/reservation-watch";
import type { AnySpec, FlowContext, RecoveryPolicy, StepResult } from "./flows/operation";
import { logEvent } from "./log";
import type { NewEvent, OperationRecord, OrderRecord, OrderStore } from "./store/order-store";
import { assertTransition } from "./transitions";
import { idExtras, pending, problem } from "./views";

export interface RunnerHost {
  store: OrderStore;
  specFor(op: OperationRecord["op"]): AnySpec;
  context(ref: OrderRef): FlowContext;
  scheduleAlarm(at: number): Promise<void>;
}

interface InFlight {
  fingerprint: string;
  promise: Promise<GatewayAnswer>;
}

const replayed = (answer: GatewayAnswer): GatewayAnswer => ({
  ...answer,
  headers: { ...answer.headers, "Idempotent-Replayed": "true" },
});

export class OperationRunner {
  readonly #host: RunnerHost;
  readonly #inflight = new Map<string, InFlight>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(host: RunnerHost) {
    this.#host = host;
  }

  async execute(ref: OrderRef, command: OrderCommand): Promise<GatewayAnswer> {
    const spec = this.#host.specFor(command.op);
    const key = spec.key(command);
    const print = await fingerprint({ op: command.op, params: spec.params(command) });

    // From here to the first await nothing can interleave: check and claim atomically.
    const running = this.#inflight.get(key);
    if (running) {
      if (running.fingerprint !== print) return mismatch(ref);
      return replayed(await running.promise);
    }
    const record = this.#host.store.getOperation(key);
    if (record && record.fingerprint !== print) return mismatch(ref);
    if (record?.status === "DONE" && record.answer) return replayed(await this.#revive(spec, record.answer, ref));

    const promise = this.#serialize(() => this.#run(ref, spec, key, print, command));
    this.#inflight.set(key, { fingerprint: print, promise });
    try {
      return await promise;
    } finally {
      if (this.#inflight.get(key)?.promise === promise) this.#inflight.delete(key);
    }
  }

  /**
   * Alarm entry: re-check every operation whose outcome is still unknown. The alarm fires at
   * the earliest due check; checking the others a little early costs one read each.
   */
  async recoverOpen(): Promise<void> {
    for (const record of this.#host.store.openOperations()) {
      await this.#serialize(async () => {
        const fresh = this.#host.store.getOperation(record.key);
        if (!fresh || fresh.status === "DONE") return;
        const order = this.#host.store.loadOrder();
        if (!order) return;
        await this.#recover(order, fresh);
      });
    }
    await this.#serialize(() => this.#watch());
    await this.rearm();
  }

  /** Sets the alarm for the earliest due check, if any. */
  async rearm(): Promise<void> {
    const due = this.#host.store
      .openOperations()
      .map((r) => r.nextCheckAt)
      .filter((t): t is number => t !== undefined);
    const order = this.#host.store.loadOrder();
    if (order?.state === "RESERVED" && order.data.watchAt !== undefined) due.push(order.data.watchAt);
    if (due.length > 0) await this.#host.scheduleAlarm(Math.min(...due));
  }

  /** The order's own watch (an unfinished reservation), when no operation is open. */
  async #watch(): Promise<void> {
    const { store } = this.#host;
    const order = store.loadOrder();
    if (order?.data.watchAt === undefined || store.openOperations().length > 0) return;
    const ctx = this.#host.context({ scope: order.scope, id: order.refId });
    const { order: next, events } = await watchReservation(order, ctx);
    const now = Date.now();
    store.transaction(() => {
      for (const event of events) store.appendEvent(event, now);
      store.saveOrder({ ...next, updatedAt: now });
    });
  }

  async #revive(spec: AnySpec, stored: GatewayAnswer, ref: OrderRef): Promise<GatewayAnswer> {
    return spec.replayAnswer
      ? spec.replayAnswer(stored, this.#host.store.loadOrder(), this.#host.context(ref))
      : stored;
  }

  #serialize<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(task, task);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async #run(ref: OrderRef, spec: AnySpec, key: string, print: string, command: OrderCommand): Promise<GatewayAnswer> {
    const { store } = this.#host;
    const ctx = this.#host.context(ref);
    try {
      const existing = store.getOperation(key);
      if (existing?.status === "DONE" && existing.answer)
        return replayed(await this.#revive(spec, existing.answer, ref));
      const order = store.loadOrder();
      if (existing && order) return await this.#recover(order, existing);

      const label = ref.scope === "deposit" ? "deposit" : "order";
      const blocking = store.openOperations().find((r) => r.key !== key);
      if (blocking) {
        throw new GatewayError(
          "in_progress",
          `a ${blocking.op} on this ${label} has an unknown outcome; recovery is running`,
          {
            retryAfter: secondsUntil(blocking.nextCheckAt, ctx.now()),
          },
        );
      }
      assertTransition(command.op, order, label);
      await spec.precheck?.(order, command, ctx);

      const now = ctx.now();
      const begun = spec.begin(order, command, ctx);
      const record: OperationRecord = {
        key,
        op: command.op,
        fingerprint: print,
        status: "PENDING",
        command: spec.stored(command),
        priorState: order?.state,
        startedAt: now,
        attempts: 0,
        alerted: false,
      };
      store.transaction(() => {
        store.saveOrder({ ...begun, updatedAt: now });
        store.putOperation(record);
        store.appendEvent({ operation: command.op, outcome: "sent" }, now);
      });

      let result: StepResult;
      try {
        result = await spec.perform(begun, command, ctx);
      } catch (error) {
        result = unexpected(command.op, error);
      }
      if (result.kind !== "unknown") return this.#apply(record, result);

      // Lost: record it, then ask LINE Pay at once before answering.
      this.#markUnknown({ ...record, lostReason: result.lostReason }, result.events, spec.recovery, false);
      const lost = store.getOperation(key)!;
      return await this.#recover(store.loadOrder()!, lost);
    } catch (error) {
      if (error instanceof GatewayError) return problem(withIds(error, ref));
      throw error;
    }
  }

  async #recover(order: OrderRecord, record: OperationRecord): Promise<GatewayAnswer> {
    const spec = this.#host.specFor(record.op);
    const ctx = this.#host.context({ scope: order.scope, id: order.refId });
    let result: StepResult;
    try {
      result = await spec.recover(order, record.command, ctx, record);
    } catch (error) {
      result = unexpected(`${record.op}.recover`, error);
    }
    if (result.kind !== "unknown") return this.#apply(record, result);
    const nextCheckAt = this.#markUnknown(record, result.events, spec.recovery, true);
    await this.rearm();
    return pending(this.#host.store.loadOrder()!, secondsUntil(nextCheckAt, ctx.now()));
  }

  async #apply(record: OperationRecord, result: Exclude<StepResult, { kind: "unknown" }>): Promise<GatewayAnswer> {
    const { store } = this.#host;
    const now = Date.now();
    store.transaction(() => {
      for (const event of result.events) store.appendEvent(event, now);
      if (result.kind === "settled") {
        store.saveOrder({ ...result.order, updatedAt: now });
        const spec = this.#host.specFor(record.op);
        const stored = spec.storedAnswer ? spec.storedAnswer(result.answer) : result.answer;
        store.putOperation({ ...record, status: "DONE", answer: stored, settledAt: now, nextCheckAt: undefined });
        if (result.followUp) {
          store.putOperation({
            key: "compensate",
            op: "compensate",
            fingerprint: "-",
            status: "UNKNOWN",
            command: result.followUp as unknown as OrderCommand,
            priorState: result.order.state,
            startedAt: now,
            attempts: 0,
            nextCheckAt: now + 5_000,
            alerted: false,
          });
        }
      } else {
        // Never happened at LINE Pay: put the order back and forget the attempt, so that
        // a retry (even with other parameters) is a fresh operation.
        const order = store.loadOrder();
        if (order && record.priorState)
          store.saveOrder({ ...order, state: record.priorState as OrderRecord["state"], updatedAt: now });
        store.deleteOperation(record.key);
      }
    });
    logEvent({ event: "operation.settled", op: record.op, result: result.kind, status: result.answer.status });
    if (result.kind === "settled") await this.rearm();
    return result.answer;
  }

  /** Persists UNKNOWN and the next check time; returns that time. */
  #markUnknown(record: OperationRecord, events: NewEvent[], policy: RecoveryPolicy, attempted: boolean): number {
    const { store } = this.#host;
    const now = Date.now();
    const fresh = store.getOperation(record.key) ?? record;
    const attempts = fresh.attempts + (attempted ? 1 : 0);
    const overdue = now - fresh.startedAt >= policy.windowMs;
    const interval = overdue
      ? policy.slowIntervalMs
      : policy.intervalsMs[Math.min(attempts, policy.intervalsMs.length - 1)]!;
    const nextCheckAt = now + interval;
    store.transaction(() => {
      for (const event of events) store.appendEvent(event, now);
      if (overdue && !fresh.alerted) {
        store.appendEvent(
          {
            operation: fresh.op,
            outcome: "recovery_overdue",
            detail: `ALERT: outcome still unknown ${Math.round((now - fresh.startedAt) / 60_000)} min after the call; a person must reconcile with LINE Pay. Checks continue every ${policy.slowIntervalMs / 60_000} min.`,
          },
          now,
        );
        logEvent({ event: "recovery.overdue", op: fresh.op, level: "alert" });
      }
      const order = store.loadOrder();
      if (order && order.state !== "UNKNOWN") store.saveOrder({ ...order, state: "UNKNOWN", updatedAt: now });
      store.putOperation({
        ...fresh,
        status: "UNKNOWN",
        attempts,
        nextCheckAt,
        alerted: fresh.alerted || overdue,
        lostReason: fresh.lostReason ?? record.lostReason,
      });
    });
    return nextCheckAt;
  }
}

function mismatch(ref: OrderRef): GatewayAnswer {
  const label = ref.scope === "deposit" ? "depositId" : "orderId";
  return problem(
    withIds(new GatewayError("idempotency_mismatch", `this ${label} was already used with different parameters`), ref),
  );
}

function withIds(error: GatewayError, ref: OrderRef): GatewayError {
  const ids = idExtras({ scope: ref.scope, refId: ref.id });
  return new GatewayError(error.code, error.message, { ...ids, ...error.extras });
}

function secondsUntil(at: number | undefined, now: number): number {
  return Math.max(1, Math.ceil(((at ?? now + 5_000) - now) / 1000));
}

/** A bug in a flow after the call was sent must not become a guess: treat it as lost. */
function unexpected(operation: string, error: unknown): StepResult {
  logEvent({ event: "flow.error", operation, level: "error", error: error instanceof Error ? error.name : "unknown" });
  return {
    kind: "unknown",
    events: [{ operation, outcome: "internal_error", detail: "the gateway failed while handling LINE Pay's answer" }],
  };
}
