/**
 * The order object's storage (durable-objects/store): amounts rest as integers of minor units,
 * an object written by an older layout (amounts as REAL) is upgraded in place, exactly, and an
 * event's fallback hand-over does not move the alarm earlier when one is already armed close by.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../../durable-objects/store/schema";
import { OrderStore, type OperationRecord, type OrderRecord } from "../../durable-objects/store/order-store";

const inFreshObject = <T>(body: (state: DurableObjectState) => T | Promise<T>) =>
  runInDurableObject(env.ORDERS.getByName(`store-test:${crypto.randomUUID()}`), (_i, state) => body(state));

const order = (amount: number, currency: OrderRecord["currency"], refundedAmount = 0): OrderRecord => ({
  scope: "order",
  refId: "o-1",
  kind: "pos",
  state: "CAPTURED",
  amount,
  currency,
  refundedAmount,
  data: {},
  createdAt: 1,
  updatedAt: 1,
});

/** `operations` and the journal as layouts 2 to 5 had them (layout 6 rebuilt both). */
const OPERATIONS_AND_JOURNAL_2_TO_5 = `
  CREATE TABLE operations (key TEXT PRIMARY KEY, op TEXT NOT NULL, fingerprint TEXT NOT NULL, status TEXT NOT NULL,
    command TEXT NOT NULL, prior_state TEXT, started_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_check_at INTEGER, alerted INTEGER NOT NULL DEFAULT 0, lost_reason TEXT, answer_status INTEGER,
    answer_body TEXT, answer_headers TEXT, settled_at INTEGER, sent_at INTEGER, parent_key TEXT);
  CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, operation TEXT NOT NULL,
    outcome TEXT NOT NULL, return_code TEXT, detail TEXT);`;

describe("the order store", () => {
  it("keeps amounts as integers of minor units, and gives them back exactly", async () => {
    const { row, loaded } = await inFreshObject((state) => {
      const store = new OrderStore(state.storage);
      store.transaction(() => store.saveOrder(order(19.99, "THB", 0.1 + 0.2)));
      const row = state.storage.sql
        .exec("SELECT amount_minor, typeof(amount_minor) AS t, refunded_minor FROM orders")
        .one();
      return { row, loaded: store.loadOrder()! };
    });
    expect(row).toEqual({ amount_minor: 1999, t: "integer", refunded_minor: 30 });
    expect(loaded).toMatchObject({ amount: 19.99, refundedAmount: 0.3, currency: "THB" });
  });

  it("upgrades an object written with REAL amounts (layout 2) to minor units", async () => {
    const { loaded, version, columns } = await inFreshObject((state) => {
      const sql = state.storage.sql;
      // Layout 2, as an earlier gateway wrote it.
      sql.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version VALUES (2);
        CREATE TABLE orders (id INTEGER PRIMARY KEY CHECK (id = 1), scope TEXT NOT NULL, ref_id TEXT NOT NULL,
          kind TEXT NOT NULL, state TEXT NOT NULL, amount REAL NOT NULL, currency TEXT NOT NULL, transaction_id TEXT,
          pay_info TEXT, refunded_amount REAL NOT NULL DEFAULT 0, data TEXT NOT NULL DEFAULT '{}',
          created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        ${OPERATIONS_AND_JOURNAL_2_TO_5}
        INSERT INTO orders VALUES (1, 'order', 'o-1', 'online', 'PARTIALLY_REFUNDED', 1999.99, 'USD', '2026112300000000001',
          NULL, 0.3, '{}', 1, 1);`);
      const store = new OrderStore(state.storage);
      const columns = sql
        .exec("SELECT name FROM pragma_table_info('orders')")
        .toArray()
        .map((c) => c.name);
      return {
        loaded: store.loadOrder()!,
        version: sql.exec("SELECT version FROM schema_version").one().version,
        columns,
      };
    });
    expect(version).toBe(SCHEMA_VERSION);
    expect(columns).toContain("amount_minor");
    expect(columns).not.toContain("amount");
    expect(loaded).toMatchObject({
      amount: 1999.99,
      refundedAmount: 0.3,
      currency: "USD",
      state: "PARTIALLY_REFUNDED",
    });
  });

  it("upgrades layout 5 to one b-tree per table, every row kept, as a new object is laid out", async () => {
    const layout = (sql: SqlStorage) =>
      sql
        .exec<{ type: string; name: string; tbl: string }>(
          "SELECT type, name, tbl_name AS tbl FROM sqlite_master WHERE name NOT LIKE '_cf_%' ORDER BY name",
        )
        .toArray()
        .map((r) => `${r.type} ${r.name} (${r.tbl})`);
    const columnsOf = (sql: SqlStorage, table: string) =>
      sql
        .exec<{ name: string; pk: number }>(`SELECT name, pk FROM pragma_table_info('${table}')`)
        .toArray()
        .map((c) => `${c.name}${c.pk ? " pk" : ""}`)
        .sort();
    const fresh = await inFreshObject((state) => {
      const store = new OrderStore(state.storage);
      store.transaction(() => store.saveOrder(order(450, "JPY")));
      const sql = state.storage.sql;
      return { layout: layout(sql), columns: ["operations", "events", "outbox"].map((t) => columnsOf(sql, t)) };
    });
    const upgraded = await inFreshObject((state) => {
      const sql = state.storage.sql;
      // Layout 5, as the gateway wrote it before version 6.
      sql.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version VALUES (5);
        CREATE TABLE orders (id INTEGER PRIMARY KEY CHECK (id = 1), scope TEXT NOT NULL, ref_id TEXT NOT NULL,
          kind TEXT NOT NULL, state TEXT NOT NULL, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL,
          transaction_id TEXT, pay_info TEXT, refunded_minor INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL DEFAULT '{}',
          created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, merchant_id TEXT);
        ${OPERATIONS_AND_JOURNAL_2_TO_5}
        CREATE TABLE outbox (id TEXT PRIMARY KEY, sequence INTEGER NOT NULL UNIQUE, type TEXT NOT NULL,
          created_at INTEGER NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, handover_at INTEGER,
          attempts INTEGER NOT NULL DEFAULT 0);
        INSERT INTO orders VALUES (1, 'order', 'o-1', 'pos', 'CAPTURED', 450, 'JPY', '2026112300000000001',
          NULL, 0, '{}', 1, 2, 'm-1');
        INSERT INTO operations (key, op, fingerprint, status, command, started_at, answer_status, answer_body)
          VALUES ('pos.pay', 'pos.pay', 'f1', 'DONE', '{"op":"pos.pay"}', 1, 200, '{"state":"CAPTURED"}');
        INSERT INTO events (at, operation, outcome) VALUES (1, 'pos.pay', 'sent'), (2, 'pos.pay', 'captured');
        INSERT INTO outbox (id, sequence, type, created_at, body, status, handover_at)
          VALUES ('evt_a', 1, 'payment.captured', 2, '{"id":"evt_a"}', 'queued', 12);`);
      const store = new OrderStore(state.storage);
      return {
        layout: layout(sql),
        columns: ["operations", "events", "outbox"].map((t) => columnsOf(sql, t)),
        version: sql.exec("SELECT version FROM schema_version").one().version,
        operation: store.getOperation("pos.pay"),
        journal: store.events().map((e) => e.outcome),
        outbox: sql.exec("SELECT sequence, id, status FROM outbox").toArray(),
        delivered: store.transaction(() => store.markDelivery("evt_a", "delivered", 1)),
        loaded: store.loadOrder()!,
      };
    });
    expect(upgraded.version).toBe(SCHEMA_VERSION);
    // sqlite_sequence stays behind (SQLite never drops it); it counts for nothing from here on.
    expect(upgraded.layout.filter((t) => !t.includes("sqlite_sequence"))).toEqual(fresh.layout);
    expect(fresh.layout.some((t) => t.includes("sqlite_autoindex") || t.includes("sqlite_sequence"))).toBe(false);
    expect(upgraded.columns).toEqual(fresh.columns);
    expect(upgraded.operation).toMatchObject({ status: "DONE", answer: { status: 200, body: { state: "CAPTURED" } } });
    expect(upgraded.journal).toEqual(["sent", "captured"]);
    expect(upgraded.outbox).toEqual([{ sequence: 1, id: "evt_a", status: "queued" }]);
    expect(upgraded.delivered).toBe(true);
    expect(upgraded.loaded).toMatchObject({ merchantId: "m-1", state: "CAPTURED", amount: 450 });
  });

  it.each([
    ["an operation's check 50 s on: the event waits for it, and the alarm stays where it was", 50_000, 50_000],
    ["an operation's check 5 s on: the event's own grace, 10 s", 5_000, 10_000],
    ["an operation's check an hour on: the event's own grace, 10 s", 3_600_000, 10_000],
  ])(
    "gives an event's fallback hand-over to the alarm already armed when it is close: %s",
    async (_, checkIn, expected) => {
      const { alarm, handoverAt, now } = await inFreshObject(async (state) => {
        const store = new OrderStore(state.storage);
        const now = Date.now();
        const body = {
          productName: "Tea",
          amount: 450,
          currency: "JPY" as const,
          orderId: "o-1",
          oneTimeKey: "123456789012",
        };
        const pending: OperationRecord = {
          key: "posPay",
          op: "posPay",
          fingerprint: "f",
          status: "PENDING",
          command: { op: "posPay", body },
          startedAt: now,
          attempts: 0,
          nextCheckAt: now + checkIn,
          alerted: false,
        };
        store.transaction(() => {
          store.saveOrder(order(450, "JPY"));
          store.putOperation(pending);
        });
        // The settle: the operation done, its event written in the same transaction.
        store.transaction(() => {
          store.putOperation({ ...pending, status: "DONE", nextCheckAt: undefined, settledAt: now });
          store.addEvent("payment.captured", { orderId: "o-1" }, now);
        });
        const row = state.storage.sql.exec<{ handover_at: number }>("SELECT handover_at FROM outbox").one();
        return { alarm: await state.storage.getAlarm(), handoverAt: row.handover_at, now };
      });
      expect(handoverAt).toBe(now + expected);
      expect(alarm).toBe(now + expected);
    },
  );
});
