/**
 * Typed access to an order object's SQLite tables. Synchronous on purpose: SQLite calls in
 * a Durable Object do not yield, so a read-modify-write here cannot interleave with another
 * request; `transactionSync` makes multi-row changes atomic.
 */
import type { GatewayAnswer } from "../../model/answer";
import type { OrderCommand, OrderOperation } from "../../model/commands";
import type { FollowUpCommand } from "../operation";
import type { EventType, MerchantEvent } from "../../model/events";
import type { NewEvent } from "./journal";
import { fromMinorUnits, minorUnits, type Currency, type PayInfoItem } from "../../model/money";
import type { OrderEvent, OrderKind, OrderState } from "../../model/order";
import type { OrderRef, OrderScope } from "../../model/rpc";
import { createSchema, migrate } from "./schema";

/** Flow-specific order facts (paymentUrl, capture flag, captured amount, ...). */
export interface OrderData {
  paymentUrl?: { web: string; app: string };
  capture?: boolean;
  payType?: "NORMAL" | "PREAPPROVED";
  capturedAmount?: number;
  authorizationExpireDate?: string;
  /** Online API v4: the provider that processed the payment (TSP or EPI) */
  paymentProvider?: string;
  /** online: the gateway confirms by itself once LINE Pay reports the customer's approval (0110) */
  autoConfirm?: boolean;
  /** online: when LINE Pay's status check first reported the customer's approval (0110) */
  authenticatedAt?: number;
  /** POS: the terminal the order was paid at; every later call for the order carries it */
  deviceProfileId?: string;
  /** token id of the regKey vault entry (PREAPPROVED confirm) and the token sealed for replays */
  regKeyTid?: string;
  regKeyTokenSealed?: string;
  /** when the lane reported that regKey expired (told once) */
  regKeyExpiredAt?: number;
  /** the refund being sent: what it asks for and what was refunded before it */
  refundInFlight?: { key: string; amount: number; refundedBefore: number };
  /** a refund or void owed because LINE Pay charged the wrong amount */
  compensation?: { action: "refund" | "void"; reason: string };
  deposit?: { linePayNumber: string; fee: number | null; transactionIdUnknown?: boolean };
  /** where a deposit's trigger came from */
  source?: "api" | "webhook";
}

export interface OrderRecord {
  scope: OrderScope;
  refId: string;
  /** whose order it is (its LINE Pay channel, its events); absent for the default merchant */
  merchantId?: string;
  kind: OrderKind | "deposit";
  state: OrderState | "COMPLETED";
  amount: number;
  currency: Currency;
  transactionId?: string;
  payInfo?: PayInfoItem[];
  refundedAmount: number;
  data: OrderData;
  createdAt: number;
  updatedAt: number;
}

/** The ref a stored order is reached by (its object's name, model/rpc.ts). */
export const refOfOrder = (order: Pick<OrderRecord, "scope" | "refId" | "merchantId">): OrderRef => ({
  scope: order.scope,
  id: order.refId,
  ...(order.merchantId ? { merchantId: order.merchantId } : {}),
});

export type OperationStatus = "PENDING" | "UNKNOWN" | "DONE";

export interface OperationRecord {
  key: string;
  op: OrderOperation | FollowUpCommand["op"];
  fingerprint: string;
  status: OperationStatus;
  command: OrderCommand | FollowUpCommand;
  priorState?: string;
  startedAt: number;
  /** when the upstream call went out (a lane may send later than the write-ahead) */
  sentAt?: number;
  attempts: number;
  /** when the object must look at this operation next; its alarm is armed for the earliest */
  nextCheckAt?: number;
  alerted: boolean;
  /** how the first answer was lost: a timeout may still be running at LINE Pay, an HTTP 5xx is over */
  lostReason?: string;
  answer?: GatewayAnswer;
  settledAt?: number;
  /** a follow-up's caller operation, whose stored answer the follow-up may update */
  parentKey?: string;
}

type Row = Record<string, SqlStorageValue>;

/** How long an event may wait for its hand-over to the queue before the alarm does it. */
const EVENT_HANDOVER_GRACE_MS = 10_000;
/** An alarm already armed this soon serves as an event's fallback hand-over (see `#handoverAt`). */
const EVENT_HANDOVER_LATEST_MS = 60_000;

function str(v: SqlStorageValue | undefined): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}

export class OrderStore {
  readonly #sql: SqlStorage;
  readonly #storage: DurableObjectStorage;

  /** Tables exist once the first write created them (a fresh object reads as empty). */
  #ready: boolean;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#ready = hasSchema(this.#sql);
    if (this.#ready) migrate(this.#sql);
  }

  /**
   * Writes happen only inside transactions; the first one also creates the tables, so a new
   * order pays one durable commit for schema and write-ahead record together, and a GET for
   * an order that does not exist writes nothing at all.
   *
   * Every transaction ends by arming the object's alarm for the earliest open operation, in
   * the same commit: an operation written ahead (or left open) always has a wake-up, so a
   * crash, deploy or eviction at any later point is resumed by the platform, not by a caller.
   */
  transaction<T>(fn: () => T): T {
    return this.#storage.transactionSync(() => {
      if (!this.#ready) {
        createSchema(this.#sql);
        this.#ready = true;
      }
      const result = fn();
      this.arm();
      return result;
    });
  }

  /**
   * The earliest time the object must wake: an open operation's next check, or an event not yet
   * handed to the queue (a moment after it was written: the hand-over right after the commit
   * usually does it first).
   */
  nextWakeAt(): number | undefined {
    if (!this.#ready) return undefined;
    const row = this.#sql
      .exec<{ at: number | null }>(
        `SELECT MIN(at) AS at FROM (
           SELECT MIN(next_check_at) AS at FROM operations WHERE status != 'DONE'
           UNION ALL SELECT MIN(handover_at) AS at FROM outbox WHERE status = 'pending')`,
      )
      .one();
    return row.at === null ? undefined : Number(row.at);
  }

  /** whether an event was written since `takeEventsWritten` last looked */
  #eventsWritten = false;

  /** Writes an event into the outbox (inside the transaction of the change it tells). */
  addEvent(type: EventType, data: unknown, now: number): MerchantEvent {
    this.#eventsWritten = true;
    const sequence = Number(this.#sql.exec("SELECT COALESCE(MAX(sequence), 0) + 1 AS n FROM outbox").one().n);
    const event: MerchantEvent = {
      id: `evt_${crypto.randomUUID().replaceAll("-", "")}`,
      type,
      createdAt: new Date(now).toISOString(),
      sequence,
      data,
    };
    this.#sql.exec(
      "INSERT INTO outbox (id, sequence, type, created_at, body, status, handover_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
      event.id,
      sequence,
      type,
      now,
      JSON.stringify(event),
      this.#handoverAt(now),
    );
    return event;
  }

  /**
   * When the alarm hands an event over if the hand-over right after its commit does not. An
   * alarm already armed a little later (an operation's check, up to a minute on) serves as it
   * is: moving the alarm earlier would make the commit wait for the alarm's own write (workerd
   * hands an earlier alarm over before the commit), and the answer with it; the event is only
   * later than the grace if the object died between its commit and the hand-over.
   */
  #handoverAt(now: number): number {
    const armed = this.#armedAt;
    const grace = now + EVENT_HANDOVER_GRACE_MS;
    return typeof armed === "number" && armed > grace && armed <= now + EVENT_HANDOVER_LATEST_MS ? armed : grace;
  }

  /** Whether an event was written since the last call: only then has a commit anything new to hand over. */
  takeEventsWritten(): boolean {
    const written = this.#eventsWritten;
    this.#eventsWritten = false;
    return written;
  }

  /** Events written but not yet handed to the queue. */
  pendingEvents(): MerchantEvent[] {
    if (!this.#ready) return [];
    return this.#sql
      .exec<{ body: string }>("SELECT body FROM outbox WHERE status = 'pending' ORDER BY sequence")
      .toArray()
      .map((row) => JSON.parse(row.body) as MerchantEvent);
  }

  /** The queue did not take them: the alarm tries again at `at`. */
  postponeHandover(ids: readonly string[], at: number): void {
    for (const id of ids)
      this.#sql.exec("UPDATE outbox SET handover_at = ? WHERE id = ? AND status = 'pending'", at, id);
  }

  markQueued(ids: readonly string[]): void {
    for (const id of ids) this.#sql.exec("UPDATE outbox SET status = 'queued' WHERE id = ? AND status = 'pending'", id);
  }

  /**
   * A delivery attempt's outcome; false when it changes nothing (an unknown event, or one already
   * delivered or dead: the consumer may report an attempt twice).
   */
  markDelivery(id: string, outcome: "delivered" | "failed" | "dead", attempt: number): boolean {
    if (!this.#ready) return false;
    const row = this.#sql.exec<{ status: string }>("SELECT status FROM outbox WHERE id = ?", id).toArray()[0];
    if (!row || row.status === "delivered" || row.status === "dead") return false;
    const status = outcome === "failed" ? "queued" : outcome;
    this.#sql.exec("UPDATE outbox SET status = ?, attempts = MAX(attempts, ?) WHERE id = ?", status, attempt, id);
    return true;
  }

  #armedAt: number | null | undefined;

  /**
   * Sets (or removes) the alarm for the earliest open operation, no sooner than `floor` when
   * given; a no-op when it is already so.
   */
  arm(floor?: number): void {
    const due = this.nextWakeAt();
    const at = due === undefined ? null : floor === undefined ? due : Math.max(due, floor);
    if (at === this.#armedAt) return;
    // Not awaited on purpose: inside transactionSync the alarm is part of this commit.
    if (at === null) void this.#storage.deleteAlarm();
    else void this.#storage.setAlarm(at);
    this.#armedAt = at;
  }

  /** After the alarm fired, the platform has no alarm left: the next transaction arms again. */
  alarmFired(): void {
    this.#armedAt = undefined;
  }

  loadOrder(): OrderRecord | undefined {
    if (!this.#ready) return undefined;
    const row = this.#sql.exec<Row>("SELECT * FROM orders WHERE id = 1").toArray()[0];
    if (!row) return undefined;
    const currency = String(row.currency) as Currency;
    return {
      scope: row.scope as OrderScope,
      refId: String(row.ref_id),
      ...(row.merchant_id ? { merchantId: String(row.merchant_id) } : {}),
      kind: row.kind as OrderRecord["kind"],
      state: row.state as OrderRecord["state"],
      amount: fromMinorUnits(Number(row.amount_minor), currency),
      currency,
      transactionId: str(row.transaction_id),
      payInfo: row.pay_info ? (JSON.parse(String(row.pay_info)) as PayInfoItem[]) : undefined,
      refundedAmount: fromMinorUnits(Number(row.refunded_minor), currency),
      data: JSON.parse(String(row.data)) as OrderData,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    };
  }

  saveOrder(order: OrderRecord): void {
    this.#sql.exec(
      `INSERT INTO orders (id, scope, ref_id, merchant_id, kind, state, amount_minor, currency, transaction_id,
         pay_info, refunded_minor, data, created_at, updated_at)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, state = excluded.state,
         amount_minor = excluded.amount_minor, currency = excluded.currency,
         transaction_id = excluded.transaction_id, pay_info = excluded.pay_info,
         refunded_minor = excluded.refunded_minor, data = excluded.data,
         updated_at = excluded.updated_at`,
      order.scope,
      order.refId,
      order.merchantId ?? null,
      order.kind,
      order.state,
      minorUnits(order.amount, order.currency),
      order.currency,
      order.transactionId ?? null,
      order.payInfo ? JSON.stringify(order.payInfo) : null,
      minorUnits(order.refundedAmount, order.currency),
      JSON.stringify(order.data),
      order.createdAt,
      order.updatedAt,
    );
  }

  getOperation(key: string): OperationRecord | undefined {
    if (!this.#ready) return undefined;
    const row = this.#sql.exec<Row>("SELECT * FROM operations WHERE key = ?", key).toArray()[0];
    return row ? toOperation(row) : undefined;
  }

  /** Operations whose outcome is not yet known (PENDING or UNKNOWN). */
  openOperations(): OperationRecord[] {
    if (!this.#ready) return [];
    return this.#sql
      .exec<Row>("SELECT * FROM operations WHERE status != 'DONE' ORDER BY started_at")
      .toArray()
      .map(toOperation);
  }

  putOperation(rec: OperationRecord): void {
    this.#sql.exec(
      `INSERT OR REPLACE INTO operations (key, op, fingerprint, status, command, prior_state, started_at,
         attempts, next_check_at, alerted, lost_reason, answer_status, answer_body, answer_headers, settled_at,
         sent_at, parent_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      rec.key,
      rec.op,
      rec.fingerprint,
      rec.status,
      JSON.stringify(rec.command),
      rec.priorState ?? null,
      rec.startedAt,
      rec.attempts,
      rec.nextCheckAt ?? null,
      rec.alerted ? 1 : 0,
      rec.lostReason ?? null,
      rec.answer?.status ?? null,
      rec.answer ? JSON.stringify(rec.answer.body) : null,
      rec.answer?.headers ? JSON.stringify(rec.answer.headers) : null,
      rec.settledAt ?? null,
      rec.sentAt ?? null,
      rec.parentKey ?? null,
    );
  }

  /** Open operations due before `at` (all, or the one `key`) are looked at no sooner than `at`. */
  postponeOpen(at: number, key?: string): void {
    this.#sql.exec(
      `UPDATE operations SET next_check_at = ? WHERE status != 'DONE' AND (next_check_at IS NULL OR next_check_at < ?)
         AND (? IS NULL OR key = ?)`,
      at,
      at,
      key ?? null,
      key ?? null,
    );
  }

  deleteOperation(key: string): void {
    this.#sql.exec("DELETE FROM operations WHERE key = ?", key);
  }

  appendEvent(event: NewEvent, at: number): void {
    this.#sql.exec(
      "INSERT INTO events (at, operation, outcome, return_code, detail) VALUES (?, ?, ?, ?, ?)",
      at,
      event.operation,
      event.outcome,
      event.returnCode ?? null,
      event.detail ?? null,
    );
  }

  events(): OrderEvent[] {
    if (!this.#ready) return [];
    return this.#sql
      .exec<Row>("SELECT * FROM events ORDER BY seq")
      .toArray()
      .map((row) => {
        const event: OrderEvent = {
          at: new Date(Number(row.at)).toISOString(),
          operation: String(row.operation),
          outcome: String(row.outcome),
        };
        if (row.return_code !== null) event.returnCode = String(row.return_code);
        if (row.detail !== null) event.detail = String(row.detail);
        return event;
      });
  }
}

function hasSchema(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").toArray().length > 0;
}

function toOperation(row: Row): OperationRecord {
  const answer: GatewayAnswer | undefined =
    row.answer_status === null
      ? undefined
      : {
          status: Number(row.answer_status),
          body: JSON.parse(String(row.answer_body)) as unknown,
          ...(row.answer_headers ? { headers: JSON.parse(String(row.answer_headers)) as Record<string, string> } : {}),
        };
  return {
    key: String(row.key),
    op: row.op as OperationRecord["op"],
    fingerprint: String(row.fingerprint),
    status: row.status as OperationStatus,
    command: JSON.parse(String(row.command)) as OperationRecord["command"],
    priorState: str(row.prior_state),
    startedAt: Number(row.started_at),
    attempts: Number(row.attempts),
    nextCheckAt: row.next_check_at === null ? undefined : Number(row.next_check_at),
    alerted: Number(row.alerted) === 1,
    lostReason: str(row.lost_reason),
    answer,
    settledAt: row.settled_at === null ? undefined : Number(row.settled_at),
    sentAt: row.sent_at === null || row.sent_at === undefined ? undefined : Number(row.sent_at),
    parentKey: str(row.parent_key),
  };
}
