/**
 * SQLite layout of one order object (docs/storage.md). One object holds one order or one
 * deposit, so every table is tiny: one `orders` row, one `operations` row per operation key,
 * and the append-only `events` journal.
 */

const MIGRATIONS: string[] = [
  `CREATE TABLE IF NOT EXISTS orders (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     scope TEXT NOT NULL,
     ref_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     state TEXT NOT NULL,
     amount REAL NOT NULL,
     currency TEXT NOT NULL,
     transaction_id TEXT,
     pay_info TEXT,
     refunded_amount REAL NOT NULL DEFAULT 0,
     data TEXT NOT NULL DEFAULT '{}',
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE IF NOT EXISTS operations (
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
     settled_at INTEGER
   );
   CREATE TABLE IF NOT EXISTS events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     operation TEXT NOT NULL,
     outcome TEXT NOT NULL,
     return_code TEXT,
     detail TEXT
   );`,
  // When the upstream call was actually sent (recovery's "may still be running" window starts
  // there), and the operation a follow-up (compensate, ...) serves.
  `ALTER TABLE operations ADD COLUMN sent_at INTEGER;
   ALTER TABLE operations ADD COLUMN parent_key TEXT;`,
];

/** Brings the tables to the latest version; writes nothing when they already are. */
export function migrate(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
  const from = row?.version ?? 0;
  if (from === MIGRATIONS.length) return;
  for (let version = from; version < MIGRATIONS.length; version++) sql.exec(MIGRATIONS[version]!);
  if (!row) sql.exec("INSERT INTO schema_version (version) VALUES (?)", MIGRATIONS.length);
  else sql.exec("UPDATE schema_version SET version = ?", MIGRATIONS.length);
}
