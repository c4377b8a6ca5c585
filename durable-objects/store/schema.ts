/**
 * SQLite layout of one order object (docs/storage.md). One object holds one order or one
 * deposit, so every table is tiny: one `orders` row, one `operations` row per operation key,
 * and the append-only `events` journal. Amounts are integers of minor units (model/money.ts).
 *
 * A new object is created at the latest version in one go; an object written by an older
 * version is brought up to date by the upgrades, in order, the first time it is opened.
 */

/*
 * Each table is one b-tree, so that a new object's first commit (schema and write-ahead record
 * together) and every later one write as few pages as they can: `operations` is keyed by its
 * key itself (WITHOUT ROWID: no second index), the journal's `seq` and the outbox's `sequence`
 * are the rowid (no AUTOINCREMENT bookkeeping: neither table ever deletes a row, so the next
 * rowid is always the next number), and an outbox row is found by its event id by reading the
 * few rows one order ever has.
 */
const OPERATIONS = (name: string) => `
  CREATE TABLE ${name} (
    key TEXT PRIMARY KEY,
    op TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    command TEXT NOT NULL,
    prior_state TEXT,
    started_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_check_at INTEGER,
    alerted INTEGER NOT NULL DEFAULT 0,
    lost_reason TEXT,
    answer_status INTEGER,
    answer_body TEXT,
    answer_headers TEXT,
    settled_at INTEGER,
    sent_at INTEGER,
    parent_key TEXT
  ) WITHOUT ROWID;`;
const OPERATIONS_COLUMNS = `key, op, fingerprint, status, command, prior_state, started_at, attempts, next_check_at,
  alerted, lost_reason, answer_status, answer_body, answer_headers, settled_at, sent_at, parent_key`;

/** The order's journal, append-only. */
const EVENTS = (name: string) => `
  CREATE TABLE ${name} (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    operation TEXT NOT NULL,
    outcome TEXT NOT NULL,
    return_code TEXT,
    detail TEXT
  );`;
const EVENTS_COLUMNS = "seq, at, operation, outcome, return_code, detail";

/** Events to the merchant, written in the transaction of the change they tell (an outbox). */
const OUTBOX = (name: string) => `
  CREATE TABLE ${name} (
    sequence INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    handover_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0
  );`;
const OUTBOX_COLUMNS = "sequence, id, type, created_at, body, status, handover_at, attempts";

const LATEST = `
  CREATE TABLE orders (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    scope TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    merchant_id TEXT,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    transaction_id TEXT,
    pay_info TEXT,
    refunded_minor INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  ${OPERATIONS("operations")}
  ${EVENTS("events")}
  ${OUTBOX("outbox")}`;

/** A table moved to a new layout with its rows: built beside the old one, filled, then renamed. */
const rebuilt = (table: string, create: (name: string) => string, columns: string) => `
  ${create(`${table}_next`)}
  INSERT INTO ${table}_next (${columns}) SELECT ${columns} FROM ${table};
  DROP TABLE ${table};
  ALTER TABLE ${table}_next RENAME TO ${table};`;

/** `UPGRADES[v - 2]` brings version v - 1 to v. Version 1 is the first layout. */
const UPGRADES: string[] = [
  // 2: when the upstream call was really sent, and the operation a follow-up serves.
  `ALTER TABLE operations ADD COLUMN sent_at INTEGER;
   ALTER TABLE operations ADD COLUMN parent_key TEXT;`,
  // 3: amounts as integers of minor units (version 2 kept them as REAL); the decimals are the
  // contract's at the time: two for THB and USD, none for JPY and TWD.
  `CREATE TABLE orders_v3 (
     id INTEGER PRIMARY KEY CHECK (id = 1), scope TEXT NOT NULL, ref_id TEXT NOT NULL, kind TEXT NOT NULL,
     state TEXT NOT NULL, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, transaction_id TEXT,
     pay_info TEXT, refunded_minor INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL DEFAULT '{}',
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   INSERT INTO orders_v3 SELECT id, scope, ref_id, kind, state,
     CAST(ROUND(amount * (CASE currency WHEN 'THB' THEN 100 WHEN 'USD' THEN 100 ELSE 1 END)) AS INTEGER),
     currency, transaction_id, pay_info,
     CAST(ROUND(refunded_amount * (CASE currency WHEN 'THB' THEN 100 WHEN 'USD' THEN 100 ELSE 1 END)) AS INTEGER),
     data, created_at, updated_at FROM orders;
   DROP TABLE orders;
   ALTER TABLE orders_v3 RENAME TO orders;`,
  // 4: the events outbox (its first layout; 6 rebuilds it).
  `CREATE TABLE outbox (id TEXT PRIMARY KEY, sequence INTEGER NOT NULL UNIQUE, type TEXT NOT NULL,
     created_at INTEGER NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, handover_at INTEGER,
     attempts INTEGER NOT NULL DEFAULT 0);`,
  // 5: whose order it is (NULL: the default merchant, as every order before merchants was).
  `ALTER TABLE orders ADD COLUMN merchant_id TEXT;`,
  // 6: one b-tree per table (fewer pages per commit): no second index, no AUTOINCREMENT.
  rebuilt("operations", OPERATIONS, OPERATIONS_COLUMNS) +
    rebuilt("events", EVENTS, EVENTS_COLUMNS) +
    rebuilt("outbox", OUTBOX, OUTBOX_COLUMNS),
];

export const SCHEMA_VERSION = UPGRADES.length + 1;

/** The latest tables and the version row that says so, in one statement. */
const LATEST_WITH_VERSION = `INSERT INTO schema_version (version) VALUES (${SCHEMA_VERSION}); ${LATEST}`;

/** Creates the latest layout in a new object (inside its first write transaction). */
export function createSchema(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL); ${LATEST_WITH_VERSION}`);
}

/** Brings an existing object's tables to the latest version; writes nothing when they already are. */
export function migrate(sql: SqlStorage): void {
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
  // The version table without its row (never written so: both are created in one commit).
  if (!row) return void sql.exec(LATEST_WITH_VERSION);
  if (row.version === SCHEMA_VERSION) return;
  for (let version = row.version + 1; version <= SCHEMA_VERSION; version++) sql.exec(UPGRADES[version - 2]!);
  sql.exec("UPDATE schema_version SET version = ?", SCHEMA_VERSION);
}
