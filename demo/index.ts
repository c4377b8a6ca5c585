/**
 * The demo shop: a merchant's storefront and POS terminal in one small Worker, local only
 * (`npm start` serves it on :8789; never deployed). It calls the gateway over HTTP from its
 * server side exactly as a merchant's backend would, minting its own caller JWTs from
 * AUTH_JWT_SECRET, so the browser never holds a token. It shares no code with the gateway.
 *
 *   /                      product page → POST /checkout → LINE Pay sandbox page
 *   /confirm, /cancel      where the sandbox sends the customer back (confirmUrl, cancelUrl)
 *   /receipt/{orderId}     line items, state, transactionId, payInfo, and a Refund button
 *   /receipt/{id}/refund   "Refund …?": the confirmation, whose form POSTs the refund
 *   /pos                   a till: amount, the customer's My Code, and a "lose the answer" switch
 *   /orders/{orderId}      the order's journal (`events`) as a timeline
 *   /api/orders/{orderId}  the order as JSON plus its rendered panel, for the pages' polling
 *   /events                POST: the gateway's signed events arrive here (verified, kept once
 *                          per webhook-id); GET: them, newest first, live (/api/events)
 */
import type { DemoEnv } from "./clients";
import { escape, page, redirect } from "./layout";
import { cancelReturn, checkout, confirmReturn, receiptPage, refundConfirmPage, refundOrder, shopPage } from "./shop";
import { orderApi, posCharge, posPage } from "./pos";
import { orderPage, ordersPage } from "./orders";
import { eventsApi, eventsPage, receiveEvent } from "./events";

async function route(request: Request, env: DemoEnv): Promise<Response> {
  const url = new URL(request.url);
  const { pathname } = url;
  const method = request.method;
  const receipt = /^\/receipt\/([^/]+)(\/refund)?$/.exec(pathname);
  const order = /^\/orders\/([^/]+)$/.exec(pathname);
  const api = /^\/api\/orders\/([^/]+)$/.exec(pathname);

  if (method === "GET" && pathname === "/") return shopPage();
  if (method === "POST" && pathname === "/checkout") return checkout(request, env, url.origin);
  if (method === "GET" && pathname === "/confirm") return confirmReturn(url, env);
  if (method === "GET" && pathname === "/cancel") return cancelReturn(url, env);
  if (receipt && method === "GET" && !receipt[2]) return receiptPage(decodeURIComponent(receipt[1]!), env);
  if (receipt && method === "GET" && receipt[2]) return refundConfirmPage(decodeURIComponent(receipt[1]!), env);
  if (receipt && method === "POST" && receipt[2]) return refundOrder(request, decodeURIComponent(receipt[1]!), env);
  if (method === "GET" && pathname === "/pos") return posPage();
  if (method === "POST" && pathname === "/api/pos/charge") return posCharge(request, env);
  if (api && method === "GET") return orderApi(decodeURIComponent(api[1]!), env);
  if (method === "GET" && pathname === "/orders") {
    const wanted = url.searchParams.get("orderId")?.trim();
    return wanted ? redirect(`/orders/${encodeURIComponent(wanted)}`) : ordersPage();
  }
  if (order && method === "GET") return orderPage(decodeURIComponent(order[1]!), env);
  if (method === "POST" && pathname === "/events") return receiveEvent(request, env);
  if (method === "GET" && pathname === "/events") return eventsPage(env);
  if (method === "GET" && pathname === "/api/events") return eventsApi(env);
  if (pathname === "/favicon.ico") return new Response(null, { status: 204 });
  return page(
    "Not found",
    "",
    `<div class="card"><h1>Nothing here</h1><p><a href="/">Back to the shop</a></p></div>`,
    404,
  );
}

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return page(
        "Error",
        "",
        `<div class="card"><h1>The demo hit a problem</h1><div class="notice err">${escape(message)}</div>
<p class="muted">Is <span class="mono">npm start</span> running the gateway and the sandbox?</p></div>`,
        502,
      );
    }
  },
} satisfies ExportedHandler<DemoEnv>;
