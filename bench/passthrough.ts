/**
 * The floor for the benchmark: a bare Worker that forwards to LINE Pay (the sandbox) with v2
 * headers. No auth, no validation, no Durable Object, no journal.
 *   POST (any path): a POS pay, forwarded to `POST /v2/payments/oneTimeKeys/pay`.
 *   GET /v1/payments/{orderId}: what a shop without the gateway asks to learn an order's
 *   state, forwarded to LINE Pay's payment details (`GET /v2/payments?orderId=`).
 *   GET /healthz: the harness's readiness probe, answered here.
 *   POST /events: a merchant's events endpoint that takes every event (204), for the
 *   scenario whose merchant has events on.
 */
import { posPay, v2Headers, type LinePayEnv } from "./linepay-v2";

export default {
  async fetch(request: Request, env: LinePayEnv): Promise<Response> {
    let upstream: Response;
    if (request.method === "POST" && new URL(request.url).pathname === "/events") {
      await request.arrayBuffer();
      return new Response(null, { status: 204 });
    }
    if (request.method === "GET") {
      const path = new URL(request.url).pathname;
      if (path === "/healthz") return new Response("ok");
      const orderId = path.slice(path.lastIndexOf("/") + 1);
      upstream = await fetch(`${env.LINEPAY_API_BASE}/v2/payments?orderId=${orderId}`, { headers: v2Headers(env) });
    } else {
      upstream = await posPay(env, request.body);
    }
    return new Response(upstream.body, { status: upstream.status, headers: { "Content-Type": "application/json" } });
  },
};
