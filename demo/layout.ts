/** Page shell, styles and the pieces every page draws (state badges, payInfo, the journal timeline). */
import type { Answer, Order, OrderEvent, Problem } from "./clients";

export const escape = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

export const CSS = `
:root{--green:#06c755;--green-dark:#05a847;--ink:#1d2125;--muted:#66707a;--line:#e4e7eb;--bg:#f5f6f8}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#fff;border-bottom:1px solid var(--line)}
.bar{max-width:920px;margin:0 auto;padding:14px 24px;display:flex;align-items:center;gap:24px}
.logo{font-weight:700;font-size:1.05rem;color:var(--ink);text-decoration:none;display:flex;align-items:center;gap:8px}
.logo i{display:inline-block;width:22px;height:22px;border-radius:6px;background:var(--green)}
nav{display:flex;gap:4px;margin-left:auto}
nav a{color:var(--muted);text-decoration:none;padding:6px 12px;border-radius:8px;font-size:.95rem}
nav a:hover{background:var(--bg);color:var(--ink)}nav a.on{color:var(--ink);background:var(--bg);font-weight:600}
.pill{font-size:.72rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:#8a5a00;background:#fff4d6;border-radius:999px;padding:2px 8px}
main{max-width:920px;margin:32px auto;padding:0 24px}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 8px}h2{font-size:1.1rem;margin:0 0 12px}
.card{background:#fff;border:1px solid var(--line);border-radius:16px;padding:28px}
.muted{color:var(--muted)}.small{font-size:.88rem}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:28px}
.grid.till-layout{grid-template-columns:minmax(280px,360px) 1fr;align-items:start}
#pos-result .grid{grid-template-columns:1fr;gap:8px}#pos-result .grid h2{margin-top:16px}
@media (max-width:720px){.grid,.grid.till-layout{grid-template-columns:1fr}}
.product-art{border-radius:12px;background:linear-gradient(160deg,#e9f8ef,#cdeedb);display:flex;align-items:center;justify-content:center;min-height:300px}
.price{font-size:1.8rem;font-weight:700;margin:12px 0}
label{display:block;font-weight:600;font-size:.9rem;margin:16px 0 6px}
input[type=number],input[type=text],select{font:inherit;width:100%;padding:10px 12px;border:1px solid var(--line);border-radius:10px;background:#fff}
button,.button{font:inherit;font-weight:600;border:0;border-radius:12px;padding:13px 20px;cursor:pointer;text-decoration:none;display:inline-flex;align-items:center;justify-content:center;gap:8px}
.primary{background:var(--green);color:#fff;width:100%;margin-top:20px}.primary:hover{background:var(--green-dark)}
.primary:disabled{opacity:.6;cursor:default}
.secondary{background:#fff;color:var(--ink);border:1px solid var(--line)}.secondary:hover{background:var(--bg)}
.danger{background:#fff;color:#c0392b;border:1px solid #f0c7c2}.danger:hover{background:#fdf1ef}
.lp{display:inline-block;background:#fff;color:var(--green);font-weight:800;border-radius:6px;padding:0 6px;font-size:.85rem}
.actions{display:flex;gap:12px;flex-wrap:wrap;margin-top:24px}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:10px 24px;margin:20px 0 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;font-weight:500;overflow-wrap:break-word}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
.badge{display:inline-block;font-size:.8rem;font-weight:700;letter-spacing:.04em;border-radius:999px;padding:4px 12px;white-space:nowrap}
.badge.big{font-size:1rem;padding:6px 16px}
.s-CAPTURED,.s-COMPLETED{background:#e3f8ea;color:#047a35}.s-AUTHORIZED{background:#e2f4f7;color:#0b6e80}
.s-RESERVED{background:#e7efff;color:#2454b8}.s-UNKNOWN{background:#fff1d0;color:#8a5a00;animation:pulse 1.2s ease-in-out infinite}
.s-REFUNDED,.s-PARTIALLY_REFUNDED{background:#efe8ff;color:#5b36b5}.s-VOIDED,.s-EXPIRED{background:#eceef1;color:#4a525a}
.s-FAILED{background:#fde8e6;color:#b3261e}.s-CANCELLED{background:#eceef1;color:#4a525a}
@keyframes pulse{50%{opacity:.55}}
.notice{border-radius:12px;padding:14px 16px;margin:16px 0;font-size:.95rem}
.notice.warn{background:#fff8e6;border:1px solid #ffe3a3}.notice.err{background:#fdf1ef;border:1px solid #f0c7c2}
.notice.ok{background:#eefaf2;border:1px solid #bfe9cf}
ol.timeline{list-style:none;margin:8px 0 0;padding:0;position:relative}
ol.timeline:before{content:"";position:absolute;left:7px;top:6px;bottom:6px;width:2px;background:var(--line)}
ol.timeline li{position:relative;padding:0 0 18px 32px}
ol.timeline li:last-child{padding-bottom:0}
ol.timeline .dot{position:absolute;left:0;top:4px;width:16px;height:16px;border-radius:50%;border:3px solid #fff;box-shadow:0 0 0 2px var(--line);background:#9aa3ad}
ol.timeline .good{background:var(--green)}ol.timeline .warn{background:#f0a500}ol.timeline .bad{background:#d93025}ol.timeline .info{background:#3b7cf0}
.ev-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:8px}
.ev-op{font-weight:700}.ev-out{font-size:.85rem;border-radius:6px;padding:1px 8px;background:var(--bg)}
.ev-time{margin-left:auto;color:var(--muted);font-size:.82rem}
.ev-detail{color:var(--muted);font-size:.9rem;margin-top:2px;overflow-wrap:anywhere}
.switch{display:flex;gap:14px;align-items:flex-start;margin-top:20px;padding:14px;border:1px solid var(--line);border-radius:12px;cursor:pointer}
.switch input{appearance:none;flex:none;width:44px;height:26px;border-radius:999px;background:#cfd5db;position:relative;margin:0;cursor:pointer;transition:background .15s}
.switch input:before{content:"";position:absolute;top:3px;left:3px;width:20px;height:20px;border-radius:50%;background:#fff;transition:left .15s;box-shadow:0 1px 2px #0003}
.switch input:checked{background:#f0a500}.switch input:checked:before{left:21px}
.switch b{display:block}.switch span{font-weight:400}
.shops{border:0;padding:0;margin:0 0 8px;display:grid;gap:6px}.shops legend{padding:0;margin-bottom:4px}
.shop{display:flex;gap:10px;align-items:center;margin:0;padding:8px 12px;font-weight:400;border:1px solid var(--line);border-radius:10px;cursor:pointer}.shop input{margin:0;flex:none}
.till{font-size:2.4rem;font-weight:700;text-align:right;background:#111820;color:#7dffb0;border-radius:12px;padding:14px 18px;font-family:ui-monospace,Menlo,monospace}
.log{list-style:none;padding:0;margin:12px 0 0;font-size:.9rem}.log li{padding:2px 0}.log .badge{animation:none}
.empty{color:var(--muted);text-align:center;padding:48px 12px;border:2px dashed var(--line);border-radius:12px}
table.pay{border-collapse:collapse}table.pay td{padding:0 0 4px}table.pay tr:last-child td{padding-bottom:0}table.pay td+td{padding-left:20px;text-align:right}
footer{max-width:920px;margin:0 auto 32px;padding:0 24px;color:var(--muted);font-size:.82rem}
table.items{width:100%;border-collapse:collapse;margin:20px 0 0;font-size:.95rem}
table.items th{text-align:left;color:var(--muted);font-weight:500;font-size:.85rem;padding:0 0 6px}
table.items td{padding:8px 0;border-top:1px solid var(--line);vertical-align:top}
table.items td+td,table.items th+th{text-align:right;padding-left:12px;white-space:nowrap}
table.items tfoot td{font-weight:700}
.lookup{display:flex;gap:12px;align-items:flex-end;flex-wrap:wrap}.lookup>div{flex:1 1 200px}
.ev-op,.ev-time{white-space:nowrap}
/* Phones: one column, tighter padding, the nav under the logo. Ids and states never break. */
@media (max-width:560px){
.bar{flex-wrap:wrap;gap:8px 12px;padding:12px 16px}nav{margin-left:-12px;flex-basis:100%}
main{margin:16px auto;padding:0 12px}footer{padding:0 12px}
.card{padding:20px 16px;border-radius:14px}h1{font-size:1.35rem}
dl.facts{grid-template-columns:minmax(0,1fr);gap:2px 0}dl.facts dt{margin-top:12px}dl.facts dt:first-child{margin-top:0}
.product-art{min-height:180px}.product-art svg{width:160px;height:160px}
.till{font-size:2rem}.ev-time{margin-left:0}
}
`;

export type Tab = "shop" | "pos" | "orders" | "events" | "";

export function page(title: string, tab: Tab, content: string, status = 200, script = ""): Response {
  const link = (href: string, name: Tab, label: string) =>
    `<a href="${href}"${tab === name ? ' class="on"' : ""}>${label}</a>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)} · Tea House demo</title>
<style>${CSS}</style></head><body>
<header><div class="bar"><a class="logo" href="/"><i></i>Tea House</a><span class="pill">demo · LINE Pay sandbox</span>
<nav>${link("/", "shop", "Shop")}${link("/pos", "pos", "POS")}${link("/orders", "orders", "Orders")}${link("/events", "events", "Events")}</nav></div></header>
<main>${content}</main>
<footer>A local demo of the LINE Pay edge gateway. Payments go to the LINE Pay sandbox: no real money moves.</footer>
${script ? `<script>${script}</script>` : ""}
</body></html>`;
  return new Response(html, {
    status,
    headers: { "Content-Type": "text/html;charset=utf-8", "Cache-Control": "no-store" },
  });
}

export const redirect = (location: string) => new Response(null, { status: 303, headers: { Location: location } });

export function problemPage(what: string, answer: Answer<unknown>, orderId?: string): Response {
  const p = answer.body as Problem;
  const errors = (p.errors ?? [])
    .map((e) => `<li><span class="mono">${escape(e.path || "(body)")}</span>: ${escape(e.message)}</li>`)
    .join("");
  return page(
    what,
    "",
    `<div class="card"><h1>${escape(what)}</h1>
<div class="notice err"><b>${escape(p.title ?? "Error")}</b> (${escape(answer.status)}${p.code ? `, <span class="mono">${escape(p.code)}</span>` : ""})<br>${escape(p.detail ?? "")}
${p.returnCode ? `<br>LINE Pay: <span class="mono">${escape(p.returnCode)}</span> ${escape(p.returnMessage ?? "")}` : ""}
${errors ? `<ul>${errors}</ul>` : ""}</div>
<div class="actions"><a class="button secondary" href="/">Back to the shop</a>${
      orderId ? `<a class="button secondary" href="/orders/${encodeURIComponent(orderId)}">Order timeline</a>` : ""
    }</div></div>`,
    answer.status >= 500 ? 502 : answer.status,
  );
}

export const badge = (state: string, big = false) =>
  `<span id="state" class="badge ${big ? "big " : ""}s-${escape(state)}">${escape(state)}</span>`;

export function payInfoHtml(order: Order): string {
  if (!order.payInfo?.length) return `<span class="muted">—</span>`;
  return `<table class="pay" id="payInfo">${order.payInfo
    .map((p) => `<tr><td>${escape(p.method)}</td><td>${escape(money(p.amount, order.currency))}</td></tr>`)
    .join("")}</table>`;
}

export interface LineItem {
  name: string;
  quantity: number;
  price: number;
}

/** What the customer bought, as the shop recorded it at checkout (the gateway keeps amounts only). */
export function itemsTable(items: LineItem[], currency: string): string {
  const rows = items
    .map(
      (i) =>
        `<tr><td>${escape(i.name)}</td><td>${escape(i.quantity)} × ${escape(money(i.price, currency))}</td><td>${escape(
          money(i.price * i.quantity, currency),
        )}</td></tr>`,
    )
    .join("");
  const total = items.reduce((sum, i) => sum + i.price * i.quantity, 0);
  return `<table class="items" id="items"><thead><tr><th>Item</th><th>Qty</th><th>Total</th></tr></thead>
<tbody>${rows}</tbody><tfoot><tr><td>Total</td><td></td><td id="items-total">${escape(money(total, currency))}</td></tr></tfoot></table>`;
}

export function facts(order: Order): string {
  return `<dl class="facts">
<dt>Order</dt><dd class="mono" id="orderId">${escape(order.orderId)}</dd>
<dt>State</dt><dd>${badge(order.state)}</dd>
<dt>Amount</dt><dd id="amount">${escape(money(order.amount, order.currency))}</dd>
<dt>Transaction ID</dt><dd class="mono" id="transactionId">${escape(order.transactionId ?? "—")}</dd>
<dt>Paid with</dt><dd>${payInfoHtml(order)}</dd>
${order.refundedAmount > 0 ? `<dt>Refunded</dt><dd id="refunded">${escape(money(order.refundedAmount, order.currency))}</dd>` : ""}
</dl>`;
}

export const GOOD = new Set([
  "completed",
  "settled",
  "captured",
  "reserved",
  "refunded",
  "voided",
  "regkey_stored",
  "removed",
  "replayed",
]);
export const WARN = new Set([
  "answer_lost",
  "answer_uncertain",
  "not_found_yet",
  "not_listed_yet",
  "amount_unverified",
  "completed_not_listed",
  "regkey_not_stored",
]);
export const BAD = new Set([
  "failed",
  "refused",
  "amount_mismatch",
  "internal_error",
  "recovery_overdue",
  "payment_not_found",
  "never_created",
]);

export function tone(outcome: string): string {
  const o = outcome.toLowerCase();
  if (GOOD.has(o)) return "good";
  if (WARN.has(o) || o.includes("lost") || o.includes("unknown")) return "warn";
  if (BAD.has(o) || o.includes("fail") || o.includes("error")) return "bad";
  if (o === "sent") return "info";
  return "";
}

export function timeline(events: OrderEvent[] | undefined): string {
  if (!events?.length) return `<p class="muted">No events yet.</p>`;
  const start = Date.parse(events[0]!.at);
  const items = events.map((e) => {
    const at = Date.parse(e.at);
    const offset = Number.isFinite(at) && Number.isFinite(start) ? `+${((at - start) / 1000).toFixed(1)} s` : "";
    const clock = Number.isFinite(at) ? new Date(at).toISOString().slice(11, 23) : escape(e.at);
    const detail = [e.returnCode ? `returnCode ${e.returnCode}` : "", e.detail ?? ""].filter(Boolean).join(" · ");
    return `<li class="event"><span class="dot ${tone(e.outcome)}"></span>
<div class="ev-head"><span class="ev-op mono">${escape(e.operation)}</span><span class="ev-out">${escape(e.outcome.replaceAll("_", " "))}</span>
<span class="ev-time" title="${escape(e.at)}">${clock} UTC ${offset ? `· ${offset}` : ""}</span></div>
${detail ? `<div class="ev-detail">${escape(detail)}</div>` : ""}</li>`;
  });
  return `<ol class="timeline" id="timeline">${items.join("")}</ol>`;
}

/** The order's facts and journal: drawn by the order page, and by the POS page while it polls. */
export function orderPanel(order: Order): string {
  const recovering =
    order.state === "UNKNOWN"
      ? `<div class="notice warn" id="recovering">LINE Pay's answer was lost. The gateway never guesses: it asks LINE Pay what happened and settles the order from its answer. This page follows along.</div>`
      : "";
  return `<div class="grid"><section>${facts(order)}${recovering}</section>
<section><h2>Journal</h2>${timeline(order.events)}</section></div>`;
}

// Polls the demo's own /api/orders/{id} (the browser never holds a gateway token) while the order
// is UNKNOWN, redrawing `target`; `onState` hears every state it sees.
export const POLL_SCRIPT = `
async function follow(orderId, target, onState) {
  const until = Date.now() + 120000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    let data;
    try { data = await (await fetch("/api/orders/" + encodeURIComponent(orderId), { cache: "no-store" })).json(); }
    catch { continue; }
    if (data.html) target.innerHTML = data.html;
    if (onState) onState(data.state);
    if (data.state !== "UNKNOWN" || Date.now() > until) return data.state;
  }
}`;
