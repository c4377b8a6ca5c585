/**
 * The shop's events endpoint and its page: what a merchant's backend does with the gateway's
 * events. POST /events verifies each delivery with the `standardwebhooks` package (the
 * reference implementation) under EVENTS_WEBHOOK_SECRET, keeps it once per `webhook-id` (a
 * redelivery is counted, not kept twice), and answers 204; a delivery that does not verify is
 * kept too, marked, and answered 401, so the gateway tries it again. GET /events shows them,
 * newest first, and follows along as they arrive.
 */
import { Webhook } from "standardwebhooks";
import type { DemoEnv } from "./clients";
import { escape, page } from "./layout";

interface Received {
  id: string;
  type: string;
  /** the order's (or deposit's) id, from `data` */
  ref: string;
  /** whose it is, from `data.merchantId` (`default`: the sencha shop) */
  merchant: string;
  sequence: number | null;
  createdAt: string;
  receivedAt: string;
  verified: boolean;
  /** how many times it arrived */
  deliveries: number;
}

const KEEP = 50;
// KV lists keys in order: an inverted clock puts the newest first.
const listKey = (at: number, id: string) => `event:${String(9_999_999_999_999 - at).padStart(13, "0")}:${id}`;

function summary(id: string, body: string, verified: boolean): Received {
  let event: { type?: unknown; sequence?: unknown; createdAt?: unknown; data?: Record<string, unknown> } = {};
  try {
    event = JSON.parse(body);
  } catch {
    // Shown as it is: an unreadable delivery is worth seeing too.
  }
  const data = event.data ?? {};
  const ref = data.orderId ?? data.depositId ?? data.regKeyToken;
  return {
    id,
    type: typeof event.type === "string" ? event.type : "(not an event)",
    ref: typeof ref === "string" ? ref : "",
    merchant: typeof data.merchantId === "string" ? data.merchantId : "",
    sequence: typeof event.sequence === "number" ? event.sequence : null,
    createdAt: typeof event.createdAt === "string" ? event.createdAt : "",
    receivedAt: new Date().toISOString(),
    verified,
    deliveries: 1,
  };
}

export async function receiveEvent(request: Request, env: DemoEnv): Promise<Response> {
  const body = await request.text();
  const headers = Object.fromEntries(request.headers);
  let verified = false;
  try {
    new Webhook(env.EVENTS_WEBHOOK_SECRET ?? "").verify(body, headers);
    verified = true;
  } catch {
    verified = false;
  }
  // Keyed by webhook-id, and by signature validity too: a forged copy never hides the real one.
  const id = `${verified ? "" : "unverified:"}${headers["webhook-id"] ?? crypto.randomUUID()}`;
  const known = await env.BASKETS.get(`event-id:${id}`);
  const existing = known ? await env.BASKETS.getWithMetadata<Received>(known) : null;
  if (known && existing?.metadata) {
    await env.BASKETS.put(known, "", {
      metadata: { ...existing.metadata, deliveries: existing.metadata.deliveries + 1 },
    });
  } else {
    const key = listKey(Date.now(), id);
    await env.BASKETS.put(key, "", { metadata: summary(headers["webhook-id"] ?? "", body, verified) });
    await env.BASKETS.put(`event-id:${id}`, key);
  }
  return new Response(null, { status: verified ? 204 : 401 });
}

async function received(env: DemoEnv): Promise<Received[]> {
  const list = await env.BASKETS.list<Received>({ prefix: "event:", limit: KEEP });
  return list.keys.flatMap((k) => (k.metadata ? [k.metadata] : []));
}

function eventsTable(events: Received[]): string {
  if (events.length === 0) {
    return `<div class="empty" id="no-events">No events yet. Charge something at the <a href="/pos">till</a> or in the <a href="/">shop</a>.</div>`;
  }
  const rows = events.map((e) => {
    const order = e.ref ? `<a class="mono" href="/orders/${encodeURIComponent(e.ref)}">${escape(e.ref)}</a>` : "—";
    const when = e.receivedAt.slice(11, 19);
    return `<tr class="event-row" data-id="${escape(e.id)}"><td class="mono">${escape(e.type)}</td><td>${order}</td><td class="mono">${escape(e.merchant || "—")}</td>
<td>${e.sequence ?? "—"}</td><td>${e.verified ? `<span class="badge s-CAPTURED">yes</span>` : `<span class="badge s-FAILED">no</span>`}</td>
<td title="made ${escape(e.createdAt)}">${escape(when)} UTC${e.deliveries > 1 ? ` <span class="muted small">×${e.deliveries}</span>` : ""}</td></tr>`;
  });
  return `<table class="items" id="events"><thead><tr><th>Type</th><th>Order</th><th>Merchant</th><th>Sequence</th><th>Verified</th><th>Received</th></tr></thead>
<tbody>${rows.join("")}</tbody></table>`;
}

export async function eventsApi(env: DemoEnv): Promise<Response> {
  return Response.json({ html: eventsTable(await received(env)) }, { headers: { "Cache-Control": "no-store" } });
}

export async function eventsPage(env: DemoEnv): Promise<Response> {
  return page(
    "Events",
    "events",
    `<div class="card"><h1>Events from the gateway</h1>
<p class="muted">The gateway posts every change of an order here, signed (Standard Webhooks): the sencha shop's (the default merchant) and the tea stand's, which has no events URL of its own, so its events come to the global one, each naming its <span class="mono">merchantId</span>. The shop verifies each one with the <span class="mono">standardwebhooks</span> package and keeps it once per <span class="mono">webhook-id</span>: a redelivery shows as ×2. Newest first; <span class="mono">sequence</span> counts up per order.</p>
<div id="events-live">${eventsTable(await received(env))}</div></div>`,
    200,
    `const live = document.getElementById("events-live");
setInterval(async () => {
  try { live.innerHTML = (await (await fetch("/api/events", { cache: "no-store" })).json()).html; } catch {}
}, 1500);`,
  );
}
