/**
 * The floor of any crash-safe design with one Durable Object per order: a Worker that sends
 * each POS pay through a SQLite-backed object named by its orderId, which
 *   1. commits a write-ahead row (so a restart mid-call knows the pay may have happened),
 *   2. calls LINE Pay (the sandbox) exactly as the gateway does: the v2 pay path, v2 headers,
 *   3. commits the settled row with LINE Pay's answer (so a retry is answered, not re-sent),
 *   4. answers.
 * No auth, no validation, no journal, no coalescing: two durable commits and one upstream call.
 *
 * `POST /wake` is the same with a durable wake-up (the `wakeFloor` scenario): the write-ahead
 * commit also arms an alarm, so that a crash mid-call is finished without anyone asking, and the
 * settled commit removes it. That is the floor of a design that never leaves an order unknown
 * after a crash (the gateway's), and what the alarm costs on its own: workerd has the alarm
 * manager take an alarm moved earlier before the commit, and one moved later or removed after it.
 *
 * Why these are two commits and not one: workerd opens an implicit SQLite transaction at the
 * first write of an event-loop turn and commits it when the turn ends, holding the output gate
 * (every outgoing fetch and the RPC answer) until that commit is done. `transactionSync` joins
 * that implicit transaction. The write-ahead row is therefore committed before the fetch below
 * leaves the object, and the settled row, written after the awaited fetch in a later turn, is a
 * second commit that must finish before the answer is released.
 */
import { DurableObject } from "cloudflare:workers";
import { posPay, type LinePayEnv } from "./linepay-v2";

interface FloorEnv extends LinePayEnv {
  TWO_COMMIT_FLOOR: DurableObjectNamespace<TwoCommitFloorObject>;
}

interface PayBody {
  orderId: string;
  amount: number;
  currency: string;
}

export class TwoCommitFloorObject extends DurableObject<FloorEnv> {
  async pay(body: string, wake = false): Promise<string> {
    const { orderId, amount, currency } = JSON.parse(body) as PayBody;
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        `CREATE TABLE IF NOT EXISTS payment (
           id INTEGER PRIMARY KEY CHECK (id = 1), order_id TEXT NOT NULL, amount REAL NOT NULL,
           currency TEXT NOT NULL, state TEXT NOT NULL, answer TEXT, updated_at INTEGER NOT NULL)`,
      );
      sql.exec(
        "INSERT INTO payment (id, order_id, amount, currency, state, updated_at) VALUES (1, ?, ?, ?, 'PENDING', ?)",
        orderId,
        amount,
        currency,
        Date.now(),
      );
      if (wake) void this.ctx.storage.setAlarm(Date.now() + WAKE_AFTER_MS);
    });
    // Held by the output gate until the write-ahead commit is durable.
    const upstream = await posPay(this.env, body);
    const answer = await upstream.text();
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        "UPDATE payment SET state = ?, answer = ?, updated_at = ? WHERE id = 1",
        upstream.ok ? "SETTLED" : "FAILED",
        answer,
        Date.now(),
      );
      if (wake) void this.ctx.storage.deleteAlarm();
    });
    // The RPC answer is held by the output gate until the settled row is durable.
    return answer;
  }

  /** A wake-up after a crash would look the pay up at LINE Pay here; the bench never crashes. */
  override async alarm(): Promise<void> {}
}

/** When the wake-up would fire: after the pay's read timeout could have passed. */
const WAKE_AFTER_MS = 60_000;

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    // The harness's readiness probe; every other request is a POS pay.
    if (request.method === "GET") return new Response("ok");
    const body = await request.text();
    const orderId = (JSON.parse(body) as PayBody).orderId;
    const wake = new URL(request.url).pathname === "/wake";
    const answer = await env.TWO_COMMIT_FLOOR.getByName(orderId).pay(body, wake);
    return new Response(answer, { headers: { "Content-Type": "application/json" } });
  },
};
