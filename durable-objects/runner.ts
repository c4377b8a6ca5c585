/**
 * The heart of the gateway: runs one operation on one order so that retries and races
 * reach LINE Pay at most once, and a lost answer is found out, never guessed.
 *
 * 1. fingerprint the request; a finished operation with the same fingerprint is replayed,
 *    one still running is awaited (coalescing), a different fingerprint is a 422;
 * 2. operations on one order run one at a time (a promise chain), each re-checking the
 *    state it starts from (transitions.ts);
 * 3. write-ahead: the operation is persisted PENDING, with the object's alarm armed in the
 *    same commit, before LINE Pay is called: an object cut off mid-call wakes up by itself
 *    and recovers; it never retries;
 * 4. the flow calls LINE Pay and interprets the answer; a lost answer makes the order
 *    UNKNOWN, is checked at once, then by alarm with backoff until it settles;
 * 5. after a lost answer, "LINE Pay shows no trace of it" means "not yet" until the call's
 *    read timeout plus a grace has passed since it was sent (`#weigh`): only then may it be
 *    settled as never having happened;
 * 6. work left once an outcome is settled (money owed back, a regKey to register, a
 *    reservation to watch) is a follow-up operation, committed with that outcome.
 */
import type { GatewayAnswer } from "../model/answer";
import type { OrderCommand } from "../model/commands";
import { GatewayError } from "../model/problem";
import type { OrderRef } from "../model/rpc";
import { fingerprint } from "./fingerprint";
import {
  operationDefaults,
  type AnyCallerOperation,
  type AnyOperation,
  type FollowUp,
  type NotApplied,
  type OperationContext,
  type PerformResult,
  type RecoverResult,
  type RecoveryPolicy,
  type Settled,
  type StillUnknown,
} from "./operation";
import { logEvent } from "./log";
import { SerialQueue } from "./serial-queue";
import type { JournalOperation } from "./store/journal";
import { refOfOrder, type OperationRecord, type OrderRecord, type OrderStore } from "./store/order-store";
import { assertTransition } from "./transitions";
import { idExtras, pending, problem } from "./views";

/** LINE Pay may finish a call this long after the caller's read timeout (LINEPAY.md "Slow is not silent"). */
export const STILL_RUNNING_GRACE_MS = 60_000;
/** The write-ahead wake-up fires this long after the call's read timeout, if nothing settled it first. */
const WAKE_AFTER_TIMEOUT_MS = 5_000;
/** When a wake-up fails (a bug, a configuration error), look again this much later: never give up. */
const WAKE_RETRY_MS = 60_000;

/** What the runner tells about each committed change (order-events.ts); absent: nothing is told. */
export interface ChangeListener {
  /** inside the change's transaction; `lost`: an answer was just lost */
  tell(before: OrderRecord | undefined, after: OrderRecord, lost: boolean, now: number): void;
  /** after the commit */
  handOverSoon(): void;
}

export interface RunnerHost {
  store: OrderStore;
  events?: ChangeListener;
  /** any operation, for recovery */
  specFor(op: OperationRecord["op"]): AnyOperation;
  /** an operation a caller can start */
  operationFor(op: OrderCommand["op"]): AnyCallerOperation;
  /** what an operation on `ref` runs with: its merchant's channel, the configuration, the clock */
  context(ref: OrderRef): Promise<OperationContext>;
  now(): number;
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
  readonly #queue = new SerialQueue();
  /** operations a committed result asked to start (`next`), run once the queue is free */
  #next: { ref: OrderRef; command: OrderCommand }[] = [];

  constructor(host: RunnerHost) {
    this.#host = host;
  }

  async execute(ref: OrderRef, command: OrderCommand): Promise<GatewayAnswer> {
    const spec = this.#host.operationFor(command.op);
    const key = operationDefaults.key(spec, command);
    const print = await fingerprint({ op: command.op, params: operationDefaults.params(spec, command) });

    // From here to the first await nothing can interleave: check and claim atomically.
    const running = this.#inflight.get(key);
    if (running) {
      if (running.fingerprint !== print) return mismatch(ref);
      return replayed(await running.promise);
    }
    const record = this.#host.store.getOperation(key);
    if (record && record.fingerprint !== print) return mismatch(ref);
    if (record?.status === "DONE" && record.answer) return replayed(await this.#revive(spec, record.answer, ref));

    const promise = this.#queue.run(() => this.#run(ref, spec, key, print, command));
    this.#inflight.set(key, { fingerprint: print, promise });
    try {
      return await promise;
    } finally {
      if (this.#inflight.get(key)?.promise === promise) this.#inflight.delete(key);
      await this.#startNext();
    }
  }

  /** Starts what committed results asked for, as a caller would: replay and coalescing apply. */
  async #startNext(): Promise<void> {
    while (this.#next.length > 0) {
      const { ref, command } = this.#next.shift()!;
      await this.execute(ref, command);
    }
  }

  /**
   * An operation still PENDING when the object starts was cut off mid-call (eviction, crash,
   * deploy): its answer is lost. It becomes UNKNOWN, due at once.
   */
  resumeCutOperations(): void {
    const { store } = this.#host;
    const cut = store.openOperations().filter((r) => r.status === "PENDING");
    if (cut.length === 0) return;
    const now = this.#host.now();
    store.transaction(() => {
      for (const record of cut) {
        const order = store.loadOrder();
        const spec = this.#host.specFor(record.op);
        if (order && spec.marksUnknown !== false) {
          const unknown: OrderRecord = { ...order, state: "UNKNOWN", updatedAt: now };
          store.saveOrder(unknown);
          this.#host.events?.tell(order, unknown, true, now);
        }
        store.putOperation({
          ...record,
          status: "UNKNOWN",
          lostReason: record.lostReason ?? "restart",
          nextCheckAt: now,
        });
        store.appendEvent(
          { operation: record.op, outcome: "answer_lost", detail: "the object restarted while the call was in flight" },
          now,
        );
      }
    });
    logEvent({ event: "order.resumed", operations: cut.length });
    this.#host.events?.handOverSoon();
  }

  /**
   * Alarm entry, the one way background work runs: every open operation that is due is looked
   * at again. Whatever happens, the alarm is armed again while any work is open.
   */
  async wake(): Promise<void> {
    const { store } = this.#host;
    const now = this.#host.now();
    // The platform took this alarm away; work in flight here may hold the queue a while, and
    // the object must not be without a wake-up meanwhile.
    store.alarmFired();
    store.arm(now + WAKE_RETRY_MS);
    try {
      for (const record of store.openOperations()) {
        // Still running in this very instance: its own caller settles it; look again later.
        if (this.#inflight.has(record.key)) {
          store.transaction(() => store.postponeOpen(now + WAKE_RETRY_MS, record.key));
          continue;
        }
        await this.#queue.run(async () => {
          const fresh = store.getOperation(record.key);
          if (!fresh || fresh.status === "DONE") return;
          if ((fresh.nextCheckAt ?? 0) > this.#host.now()) return;
          await this.#recover(fresh);
        });
      }
      store.arm();
      await this.#startNext();
    } catch (error) {
      logEvent({ event: "wake.failed", level: "error", error: error instanceof Error ? error.name : "unknown" });
      // A failing wake-up must not end the platform's retries for good: look again later.
      if (store.nextWakeAt() !== undefined)
        store.transaction(() => store.postponeOpen(this.#host.now() + WAKE_RETRY_MS));
    }
  }

  async #revive(spec: AnyCallerOperation, stored: GatewayAnswer, ref: OrderRef): Promise<GatewayAnswer> {
    return spec.replayAnswer
      ? spec.replayAnswer(stored, this.#host.store.loadOrder(), await this.#host.context(ref))
      : stored;
  }

  async #run(
    ref: OrderRef,
    spec: AnyCallerOperation,
    key: string,
    print: string,
    command: OrderCommand,
  ): Promise<GatewayAnswer> {
    const { store } = this.#host;
    try {
      const existing = store.getOperation(key);
      if (existing?.status === "DONE" && existing.answer)
        return replayed(await this.#revive(spec, existing.answer, ref));
      const order = store.loadOrder();
      // The same operation with an unknown outcome: ask LINE Pay again, never send it again.
      if (existing && order) return await this.#recover(existing);

      const ctx = await this.#host.context(ref);
      const label = ref.scope === "deposit" ? "deposit" : "order";
      const blocking = store.openOperations().find((r) => r.key !== key && this.#blocks(r));
      if (blocking) {
        throw new GatewayError(
          "in_progress",
          `a ${blocking.op} on this ${label} has an unknown outcome; recovery is running`,
          { retryAfter: secondsUntil(blocking.nextCheckAt, this.#host.now()) },
        );
      }
      assertTransition(command.op, order, label);
      await spec.precheck?.(order, command, ctx);

      const now = this.#host.now();
      // A new order belongs to the merchant whose object this is, for good.
      const begun = { ...operationDefaults.begin(spec, order, command, ctx), ...ownerOf(ref) };
      const record: OperationRecord = {
        key,
        op: command.op,
        fingerprint: print,
        status: "PENDING",
        command: operationDefaults.stored(spec, command),
        priorState: order?.state,
        startedAt: now,
        sentAt: now,
        attempts: 0,
        // The wake-up for a call that never comes back (the object dies mid-call).
        nextCheckAt: now + operationDefaults.readTimeoutMs(spec, ctx.config) + WAKE_AFTER_TIMEOUT_MS,
        alerted: false,
      };
      store.transaction(() => {
        store.saveOrder({ ...begun, updatedAt: now });
        store.putOperation(record);
        store.appendEvent({ operation: command.op, outcome: "sent" }, now);
      });

      let result: PerformResult;
      try {
        result = await spec.perform(begun, command, ctx);
      } catch (error) {
        result = unexpected(command.op, error);
      }
      if (result.kind !== "unknown") return await this.#apply(record, result);

      // Lost: record it, then ask LINE Pay at once before answering.
      this.#markUnknown(record, result, false);
      return await this.#recover(store.getOperation(key)!);
    } catch (error) {
      if (error instanceof GatewayError) return problem(withIds(error, ref));
      throw error;
    }
  }

  #blocks(record: OperationRecord): boolean {
    return this.#host.specFor(record.op).blocksOthers !== false;
  }

  /** Looks at an open operation again: its outcome, or its follow-up's work. */
  async #recover(record: OperationRecord): Promise<GatewayAnswer> {
    const { store } = this.#host;
    const order = store.loadOrder()!;
    const spec = this.#host.specFor(record.op);
    const ctx = await this.#host.context(refOfOrder(order));
    let result: RecoverResult;
    try {
      result = await spec.recover(order, record.command, ctx, record);
    } catch (error) {
      result = unexpected(record.op, error);
    }
    const weighed = this.#weigh(record, spec, ctx, result);
    if (weighed.kind !== "unknown") return this.#apply(record, weighed);
    const nextCheckAt = this.#markUnknown(record, weighed, true);
    if (weighed.next) this.#next.push({ ref: refOfOrder(order), command: weighed.next });
    return pending(store.loadOrder()!, secondsUntil(nextCheckAt, this.#host.now()));
  }

  /**
   * The one rule for "LINE Pay shows no trace of the call": not yet, while the call may still be
   * running at LINE Pay (sent less than its read timeout plus a grace ago). Only then is it
   * settled as never having happened.
   */
  #weigh(
    record: OperationRecord,
    spec: AnyOperation,
    ctx: OperationContext,
    result: RecoverResult,
  ): Settled | NotApplied | StillUnknown {
    if (result.kind !== "not_seen") return result;
    const sentAt = result.sentAt ?? record.sentAt ?? record.startedAt;
    const mayRunUntil = sentAt + operationDefaults.readTimeoutMs(spec, ctx.config) + STILL_RUNNING_GRACE_MS;
    if (this.#host.now() < mayRunUntil) {
      return {
        kind: "unknown",
        sentAt,
        events: [
          ...result.events,
          {
            operation: record.op,
            outcome: "not_found_yet",
            detail: `LINE Pay shows nothing yet; the call may still be running there until ${new Date(mayRunUntil).toISOString()}`,
          },
        ],
      };
    }
    const never = result.ifNeverHappened;
    return { ...never, events: [...result.events, ...never.events] };
  }

  async #apply(record: OperationRecord, result: Settled | NotApplied): Promise<GatewayAnswer> {
    const { store } = this.#host;
    const spec = this.#host.specFor(record.op);
    const now = this.#host.now();
    const followUps: OperationRecord[] = [];
    store.transaction(() => {
      const before = store.loadOrder();
      for (const event of result.events) store.appendEvent(event, now);
      if (result.kind === "settled") {
        store.saveOrder({ ...result.order, updatedAt: now });
        this.#host.events?.tell(before, result.order, false, now);
        const stored = spec.storedAnswer ? spec.storedAnswer(result.answer) : result.answer;
        store.putOperation({ ...record, status: "DONE", answer: stored, settledAt: now, nextCheckAt: undefined });
        // A follow-up's answer is its parent's, up the chain while each one answers for its own.
        let answering: AnyOperation = spec;
        let parentKey = record.parentKey;
        while (answersForParent(answering) && parentKey) {
          const parent = store.getOperation(parentKey);
          if (!parent) break;
          if (parent.status === "DONE") store.putOperation({ ...parent, answer: stored });
          answering = this.#host.specFor(parent.op);
          parentKey = parent.parentKey;
        }
        for (const followUp of result.followUps ?? []) {
          const next = followUpRecord(followUp, record.key, result.order, now);
          store.putOperation(next);
          followUps.push(next);
        }
      } else {
        // Never happened at LINE Pay: put the order back and forget the attempt, so that
        // a retry (even with other parameters) is a fresh operation.
        const base = result.order ?? before;
        const state = (record.priorState ?? base?.state) as OrderRecord["state"];
        if (base) {
          store.saveOrder({ ...base, state, updatedAt: now });
          this.#host.events?.tell(before, { ...base, state }, false, now);
        }
        store.deleteOperation(record.key);
      }
    });
    this.#host.events?.handOverSoon();
    if (result.kind === "settled" && result.next) {
      const order = result.order;
      this.#next.push({ ref: refOfOrder(order), command: result.next });
    }
    let answer = result.answer;
    // Follow-ups due at once run before the caller hears back; the alarm retries what is left.
    for (const next of followUps) {
      if (next.nextCheckAt !== now) continue;
      const followUpAnswer = await this.#recover(next);
      const done = store.getOperation(next.key)?.status === "DONE";
      if (done && answersForParent(this.#host.specFor(next.op))) answer = followUpAnswer;
    }
    return answer;
  }

  /** Persists UNKNOWN and the next check time; returns that time. */
  #markUnknown(record: OperationRecord, result: StillUnknown, attempted: boolean): number {
    const { store } = this.#host;
    const spec = this.#host.specFor(record.op);
    const policy: RecoveryPolicy = spec.recovery;
    const now = this.#host.now();
    const fresh = store.getOperation(record.key) ?? record;
    const attempts = fresh.attempts + (attempted ? 1 : 0);
    const overdue = now - fresh.startedAt >= policy.windowMs;
    const interval = overdue
      ? policy.slowIntervalMs
      : policy.intervalsMs[Math.min(attempts, policy.intervalsMs.length - 1)]!;
    const nextCheckAt = now + interval;
    store.transaction(() => {
      for (const event of result.events) store.appendEvent(event, now);
      if (overdue && !fresh.alerted && !policy.quiet) {
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
      if (order && spec.marksUnknown !== false) {
        const unknown: OrderRecord = { ...order, state: "UNKNOWN", updatedAt: now };
        if (order.state !== "UNKNOWN") store.saveOrder(unknown);
        // Told once, when the operation's first answer is lost.
        if (fresh.status === "PENDING") this.#host.events?.tell(order, unknown, true, now);
      }
      store.putOperation({
        ...fresh,
        status: "UNKNOWN",
        attempts,
        nextCheckAt,
        alerted: fresh.alerted || overdue,
        lostReason: fresh.lostReason ?? result.lostReason,
        sentAt: result.sentAt ?? fresh.sentAt,
      });
    });
    this.#host.events?.handOverSoon();
    return nextCheckAt;
  }
}

function followUpRecord(followUp: FollowUp, parentKey: string, order: OrderRecord, now: number): OperationRecord {
  return {
    key: followUp.command.op,
    op: followUp.command.op,
    fingerprint: "-",
    status: "UNKNOWN",
    command: followUp.command,
    priorState: order.state,
    startedAt: now,
    attempts: 0,
    nextCheckAt: now + followUp.afterMs,
    alerted: false,
    parentKey,
  };
}

const answersForParent = (spec: AnyOperation): boolean => "answersForParent" in spec && spec.answersForParent === true;

/** The order's merchant, as the ref of its object names it. */
const ownerOf = (ref: OrderRef): Pick<OrderRecord, "merchantId"> =>
  ref.merchantId ? { merchantId: ref.merchantId } : {};

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
function unexpected(operation: JournalOperation, error: unknown): StillUnknown {
  logEvent({ event: "flow.error", operation, level: "error", error: error instanceof Error ? error.name : "unknown" });
  return {
    kind: "unknown",
    events: [{ operation, outcome: "internal_error", detail: "the gateway failed while handling LINE Pay's answer" }],
  };
}
