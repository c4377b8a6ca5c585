/**
 * The runner itself (durable-objects/runner.ts), on a real object's SQLite storage, driving a
 * fake operation whose LINE Pay answers the test chooses: replay, coalescing, mismatch, a
 * PENDING record found at start-up, the alarm kept for open work, the "not yet" window, and
 * follow-ups that answer for their parent. The clock is the runner's own (injected).
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { OrderCommand } from "../../model/commands";
import type { OrderRef } from "../../model/rpc";
import type {
  AnyOperation,
  FollowUpOperation,
  Operation,
  OperationContext,
  PerformResult,
  RecoverResult,
} from "../../durable-objects/operation";
import { OperationRunner, STILL_RUNNING_GRACE_MS } from "../../durable-objects/runner";
import { OrderStore, type OrderRecord } from "../../durable-objects/store/order-store";
import { ok } from "../../durable-objects/views";
import { defaultMerchant } from "../../model/merchant";
import { readConfig } from "../../model/config";

type Pay = Extract<OrderCommand, { op: "posPay" }>;

const READ_TIMEOUT_MS = 1_000;
const command = (amount = 100): Pay => ({
  op: "posPay",
  body: { productName: "Tea", amount, currency: "TWD", orderId: "o-1", oneTimeKey: "123456789012" },
});

/** A fake operation: `perform` and `recover` answer what the test queues, and count calls. */
function fakeOperation() {
  const performs: PerformResult[] = [];
  const recovers: RecoverResult[] = [];
  const calls = { perform: 0, recover: 0 };
  let release: (() => void) | undefined;
  const gate = { hold: false };
  const order = (state: OrderRecord["state"], base: OrderRecord): OrderRecord => ({ ...base, state });
  const operation: Operation<Pay> = {
    op: "posPay",
    startsFrom: ["NEW"],
    key: () => "posPay",
    params: (c) => c.body,
    stored: (c) => c,
    // LINEPAY_TIMEOUT_MS is 1000 in the tests: "other" calls time out after READ_TIMEOUT_MS.
    timeout: "other",
    begin: (_o, c, ctx) => ({
      scope: "order",
      refId: c.body.orderId,
      kind: "pos",
      state: "UNKNOWN",
      amount: c.body.amount,
      currency: c.body.currency,
      refundedAmount: 0,
      data: {},
      createdAt: ctx.now(),
      updatedAt: ctx.now(),
    }),
    async perform(base) {
      calls.perform++;
      if (gate.hold) await new Promise<void>((resolve) => (release = resolve));
      const next = performs.shift();
      if (next) return next;
      const paid = order("CAPTURED", base);
      return { kind: "settled", order: paid, answer: ok(paid), events: [{ operation: "posPay", outcome: "captured" }] };
    },
    async recover() {
      calls.recover++;
      return recovers.shift() ?? { kind: "unknown", events: [] };
    },
    recovery: { intervalsMs: [3_000], windowMs: 20 * 60_000, slowIntervalMs: 15 * 60_000 },
  };
  return { operation, performs, recovers, calls, gate, release: () => release?.() };
}

/** A runner over the storage of a fresh order object, with a clock the test moves. */
async function withRunner<T>(
  operations: Record<string, AnyOperation>,
  body: (runner: OperationRunner, store: OrderStore, clock: { now: number }, state: DurableObjectState) => Promise<T>,
): Promise<T> {
  const stub = env.ORDERS.getByName(`runner-test:${crypto.randomUUID()}`);
  return runInDurableObject(stub, async (_instance, state) => {
    const store = new OrderStore(state.storage);
    const clock = { now: Date.now() };
    const context = async (ref: OrderRef): Promise<OperationContext> => ({
      env,
      config: readConfig(env),
      merchant: defaultMerchant(readConfig(env), env),
      ref,
      linePay: undefined as never,
      now: () => clock.now,
    });
    const runner = new OperationRunner({
      store,
      specFor: (op) => operations[op]!,
      operationFor: (op) => operations[op] as Operation<Pay>,
      context,
      now: () => clock.now,
    });
    return body(runner, store, clock, state);
  });
}

const ref: OrderRef = { scope: "order", id: "o-1" };

describe("the runner", () => {
  it("replays a finished operation with the same parameters without calling LINE Pay again", async () => {
    const fake = fakeOperation();
    await withRunner({ posPay: fake.operation }, async (runner) => {
      const first = await runner.execute(ref, command());
      const again = await runner.execute(ref, command());
      expect(first.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers?.["Idempotent-Replayed"]).toBe("true");
      expect(fake.calls.perform).toBe(1);
    });
  });

  it("coalesces identical calls that arrive while the first is in flight into one LINE Pay call", async () => {
    const fake = fakeOperation();
    fake.gate.hold = true;
    await withRunner({ posPay: fake.operation }, async (runner) => {
      const calls = Array.from({ length: 10 }, () => runner.execute(ref, command()));
      await new Promise((resolve) => setTimeout(resolve, 20));
      fake.release();
      const answers = await Promise.all(calls);
      expect(fake.calls.perform).toBe(1);
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    });
  });

  it("answers 422 for the same operation with other parameters, without calling LINE Pay", async () => {
    const fake = fakeOperation();
    await withRunner({ posPay: fake.operation }, async (runner) => {
      await runner.execute(ref, command(100));
      const other = await runner.execute(ref, command(200));
      expect(other.status).toBe(422);
      expect((other.body as { code: string }).code).toBe("idempotency_mismatch");
      expect(fake.calls.perform).toBe(1);
    });
  });

  it("arms the alarm with the write-ahead record, and keeps it for an outcome still unknown", async () => {
    const fake = fakeOperation();
    fake.performs.push({ kind: "unknown", events: [{ operation: "posPay", outcome: "answer_lost" }] });
    await withRunner({ posPay: fake.operation }, async (runner, store, clock, state) => {
      const answer = await runner.execute(ref, command());
      expect(answer.status).toBe(202);
      const open = store.getOperation("posPay")!;
      expect(open.status).toBe("UNKNOWN");
      expect(await state.storage.getAlarm()).toBe(open.nextCheckAt);
      expect(open.nextCheckAt).toBe(clock.now + 3_000);
    });
  });

  it("takes a PENDING record found at start-up for a call cut off, due at once", async () => {
    const fake = fakeOperation();
    await withRunner({ posPay: fake.operation }, async (runner, store, clock, state) => {
      store.transaction(() => {
        store.saveOrder(fake.operation.begin!(undefined, command(), { now: () => clock.now } as OperationContext));
        store.putOperation({
          key: "posPay",
          op: "posPay",
          fingerprint: "f",
          status: "PENDING",
          command: command(),
          startedAt: clock.now - 500,
          sentAt: clock.now - 500,
          attempts: 0,
          nextCheckAt: clock.now + 60_000,
          alerted: false,
        });
      });
      runner.resumeCutOperations();
      const record = store.getOperation("posPay")!;
      expect(record).toMatchObject({ status: "UNKNOWN", lostReason: "restart", nextCheckAt: clock.now });
      // An alarm for "now" is set for the platform's now, a millisecond or so on.
      expect(await state.storage.getAlarm()).toBeGreaterThanOrEqual(clock.now);
      expect(await state.storage.getAlarm()).toBeLessThan(clock.now + 1_000);
      expect(store.loadOrder()!.state).toBe("UNKNOWN");
    });
  });

  it("looks again only at what is due when woken, and re-arms for the rest", async () => {
    const fake = fakeOperation();
    fake.performs.push({ kind: "unknown", events: [] });
    await withRunner({ posPay: fake.operation }, async (runner, store, clock, state) => {
      await runner.execute(ref, command());
      const recoversAfterCall = fake.calls.recover;
      await runner.wake();
      expect(fake.calls.recover).toBe(recoversAfterCall);
      expect(await state.storage.getAlarm()).toBe(store.getOperation("posPay")!.nextCheckAt);
      clock.now += 3_000;
      await runner.wake();
      expect(fake.calls.recover).toBe(recoversAfterCall + 1);
      expect(await state.storage.getAlarm()).toBe(clock.now + 3_000);
    });
  });

  it("keeps 'no trace at LINE Pay' unknown until the read timeout plus the grace has passed since sending", async () => {
    const fake = fakeOperation();
    const failed = (base: OrderRecord): OrderRecord => ({ ...base, state: "FAILED" });
    fake.performs.push({ kind: "unknown", events: [] });
    await withRunner({ posPay: fake.operation }, async (runner, store, clock) => {
      const notSeen = (): RecoverResult => {
        const order = failed(store.loadOrder()!);
        return {
          kind: "not_seen",
          events: [],
          ifNeverHappened: { kind: "settled", order, answer: { status: 503, body: {} }, events: [] },
        };
      };
      const sentAt = clock.now;
      fake.recovers.push(notSeen());
      await runner.execute(ref, command());
      expect(store.loadOrder()!.state).toBe("UNKNOWN");
      clock.now = sentAt + READ_TIMEOUT_MS + STILL_RUNNING_GRACE_MS - 1;
      fake.recovers.push(notSeen());
      await runner.wake();
      expect(store.loadOrder()!.state).toBe("UNKNOWN");
      // Past the window, and past the next check the last look scheduled.
      clock.now = sentAt + READ_TIMEOUT_MS + STILL_RUNNING_GRACE_MS + 3_000;
      fake.recovers.push(notSeen());
      await runner.wake();
      expect(store.loadOrder()!.state).toBe("FAILED");
      expect(store.events().filter((e) => e.outcome === "not_found_yet")).toHaveLength(2);
    });
  });

  it("commits a follow-up with its parent, runs it at once, and replays the parent with its answer", async () => {
    const fake = fakeOperation();
    const followUp: FollowUpOperation<{ op: "compensate"; action: "refund"; reason: string }> = {
      op: "compensate",
      timeout: "other",
      marksUnknown: false,
      answersForParent: true,
      recovery: { intervalsMs: [5_000], windowMs: 60_000, slowIntervalMs: 60_000 },
      async recover(order) {
        const back = { ...order, state: "REFUNDED" as const };
        return { kind: "settled", order: back, answer: { status: 502, body: { refunded: true } }, events: [] };
      },
    };
    await withRunner({ posPay: fake.operation, compensate: followUp }, async (runner, store) => {
      fake.performs.push({
        kind: "settled",
        order: {
          scope: "order",
          refId: "o-1",
          kind: "pos",
          state: "CAPTURED",
          amount: 100,
          currency: "TWD",
          refundedAmount: 0,
          data: {},
          createdAt: 0,
          updatedAt: 0,
        },
        answer: { status: 502, body: { refunded: false } },
        events: [],
        followUps: [{ command: { op: "compensate", action: "refund", reason: "test" }, afterMs: 0 }],
      });
      const first = await runner.execute(ref, command());
      expect(first.body).toEqual({ refunded: true });
      expect(store.getOperation("compensate")).toMatchObject({ status: "DONE", parentKey: "posPay" });
      expect(store.loadOrder()!.state).toBe("REFUNDED");
      const replay = await runner.execute(ref, command());
      expect(replay.body).toEqual({ refunded: true });
    });
  });
});
