/**
 * The floor for "one Durable Object per order" on this machine: a Worker that sends each POS
 * pay through a SQLite-backed object named by its orderId, which writes one row and forwards
 * the pay to the sandbox. No auth, no validation, no journal: only what any design with an
 * object per order must pay for (creating the object and one durable write).
 */
import { DurableObject } from "cloudflare:workers";
import { posPay, type LinePayEnv } from "./linepay-v2";

interface FloorEnv extends LinePayEnv {
  FLOOR: DurableObjectNamespace<FloorObject>;
}

export class FloorObject extends DurableObject<FloorEnv> {
  async pay(body: string): Promise<string> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS calls (at INTEGER)");
    this.ctx.storage.sql.exec("INSERT INTO calls (at) VALUES (?)", Date.now());
    const upstream = await posPay(this.env, body);
    return upstream.text();
  }
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    // The harness's readiness probe; every other request is a POS pay.
    if (request.method === "GET") return new Response("ok");
    const body = await request.text();
    const orderId = (JSON.parse(body) as { orderId: string }).orderId;
    const answer = await env.FLOOR.getByName(orderId).pay(body);
    return new Response(answer, { headers: { "Content-Type": "application/json" } });
  },
};
