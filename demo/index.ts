/**
 * The demo shop: a merchant's storefront and POS terminal in one small Worker, local only
 * (`npm start` serves it on :8789; never deployed). It calls the gateway over HTTP from its
 * server side exactly as a merchant's backend would, minting its own caller JWTs from
 * AUTH_JWT_SECRET, so the browser never holds a token. It shares no code with the gateway.
 *
 *   /                      product page → POST /checkout → LINE Pay sandbox page
 *   /confirm, /cancel      where the sandbox sends the customer back (confirmUrl, cancelUrl)
 *   /receipt/{orderId}     state, transactionId, payInfo, and a Refund button
 *   /pos                   a till: amount, the customer's My Code, and a "lose the answer" switch
 *   /orders/{orderId}      the order's journal (`events`) as a timeline
 *   /api/orders/{orderId}  the order as JSON plus its rendered panel, for the pages' polling
 */
import { SignJWT } from "jose";

interface DemoEnv {
  AUTH_JWT_SECRET: string;
  GATEWAY_URL: string;
  SANDBOX_URL: string;
}

interface PayInfo {
  method: string;
  amount: number;
}

interface OrderEvent {
  at: string;
  operation: string;
  outcome: string;
  returnCode?: string;
  detail?: string;
}

interface Order {
  orderId: string;
  kind: string;
  state: string;
  amount: number;
  currency: string;
  transactionId?: string;
  payInfo?: PayInfo[];
  refundedAmount: number;
  paymentUrl?: { web: string; app: string };
  events?: OrderEvent[];
}

interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  returnCode?: string;
  returnMessage?: string;
  errors?: { path: string; message: string }[];
}

interface Answer<T> {
  status: number;
  body: T;
  retryAfter: string | null;
}

const PRODUCT = {
  id: "sencha-100g",
  name: "Shizuoka Sencha, 100 g",
  price: 1200,
  currency: "JPY",
  description:
    "First-flush green tea from the hills of Shizuoka: bright, grassy and a little sweet. Steep at 70 °C for one minute.",
};

// ---------------------------------------------------------------------------------------------
// Talking to the gateway and the sandbox

let cachedToken: { jwt: string; until: number } | undefined;

/** A short-lived caller JWT, as the gateway's contract asks: HS256, aud, exp, scope. */
async function callerToken(env: DemoEnv): Promise<string> {
  if (cachedToken && cachedToken.until > Date.now()) return cachedToken.jwt;
  const jwt = await new SignJWT({ scope: "payments pos" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience("linepay-gateway")
    .setSubject("demo-shop")
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(env.AUTH_JWT_SECRET));
  cachedToken = { jwt, until: Date.now() + 8 * 60_000 };
  return jwt;
}

async function gateway<T>(
  env: DemoEnv,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const res = await fetch(new URL(path, env.GATEWAY_URL), {
    method,
    headers: {
      Authorization: `Bearer ${await callerToken(env)}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { title: "The gateway did not answer JSON", status: res.status, detail: text.slice(0, 300) };
  }
  return { status: res.status, body: parsed as T, retryAfter: res.headers.get("Retry-After") };
}

async function sandbox<T>(env: DemoEnv, path: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(path, env.SANDBOX_URL), {
    method: "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

const orderPath = (orderId: string) => `/v1/payments/${encodeURIComponent(orderId)}`;

function newOrderId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  const suffix = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}-${Date.now().toString(36)}-${suffix}`;
}

const isProblem = (status: number) => status >= 400;

// ---------------------------------------------------------------------------------------------
// HTML

const escape = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

const CSS = `
:root{--green:#06c755;--green-dark:#05a847;--ink:#1d2125;--muted:#66707a;--line:#e4e7eb;--bg:#f5f6f8}
*{box-sizing:border-box}
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
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:10px 24px;margin:20px 0 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;font-weight:500;overflow-wrap:anywhere}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
.badge{display:inline-block;font-size:.8rem;font-weight:700;letter-spacing:.04em;border-radius:999px;padding:4px 12px}
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
.ev-detail{color:var(--muted);font-size:.9rem;margin-top:2px}
.switch{display:flex;gap:14px;align-items:flex-start;margin-top:20px;padding:14px;border:1px solid var(--line);border-radius:12px;cursor:pointer}
.switch input{appearance:none;flex:none;width:44px;height:26px;border-radius:999px;background:#cfd5db;position:relative;margin:0;cursor:pointer;transition:background .15s}
.switch input:before{content:"";position:absolute;top:3px;left:3px;width:20px;height:20px;border-radius:50%;background:#fff;transition:left .15s;box-shadow:0 1px 2px #0003}
.switch input:checked{background:#f0a500}.switch input:checked:before{left:21px}
.switch b{display:block}.switch span{font-weight:400}
.till{font-size:2.4rem;font-weight:700;text-align:right;background:#111820;color:#7dffb0;border-radius:12px;padding:14px 18px;font-family:ui-monospace,Menlo,monospace}
.log{list-style:none;padding:0;margin:12px 0 0;font-size:.9rem}.log li{padding:2px 0}.log .badge{animation:none}
.empty{color:var(--muted);text-align:center;padding:48px 12px;border:2px dashed var(--line);border-radius:12px}
table.pay{border-collapse:collapse}table.pay td{padding:0 0 4px}table.pay tr:last-child td{padding-bottom:0}table.pay td+td{padding-left:20px;text-align:right}
footer{max-width:920px;margin:0 auto 32px;padding:0 24px;color:var(--muted);font-size:.82rem}
`;

type Tab = "shop" | "pos" | "orders" | "";

function page(title: string, tab: Tab, content: string, status = 200, script = ""): Response {
  const link = (href: string, name: Tab, label: string) =>
    `<a href="${href}"${tab === name ? ' class="on"' : ""}>${label}</a>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)} · Tea House demo</title>
<style>${CSS}</style></head><body>
<header><div class="bar"><a class="logo" href="/"><i></i>Tea House</a><span class="pill">demo · LINE Pay sandbox</span>
<nav>${link("/", "shop", "Shop")}${link("/pos", "pos", "POS")}${link("/orders", "orders", "Orders")}</nav></div></header>
<main>${content}</main>
<footer>A local demo of the LINE Pay edge gateway. Payments go to the LINE Pay sandbox: no real money moves.</footer>
${script ? `<script>${script}</script>` : ""}
</body></html>`;
  return new Response(html, {
    status,
    headers: { "Content-Type": "text/html;charset=utf-8", "Cache-Control": "no-store" },
  });
}

const redirect = (location: string) => new Response(null, { status: 303, headers: { Location: location } });

function problemPage(what: string, answer: Answer<unknown>, orderId?: string): Response {
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

const badge = (state: string, big = false) =>
  `<span id="state" class="badge ${big ? "big " : ""}s-${escape(state)}">${escape(state)}</span>`;

function payInfoHtml(order: Order): string {
  if (!order.payInfo?.length) return `<span class="muted">—</span>`;
  return `<table class="pay" id="payInfo">${order.payInfo
    .map((p) => `<tr><td>${escape(p.method)}</td><td>${escape(money(p.amount, order.currency))}</td></tr>`)
    .join("")}</table>`;
}

function facts(order: Order): string {
  return `<dl class="facts">
<dt>Order</dt><dd class="mono" id="orderId">${escape(order.orderId)}</dd>
<dt>State</dt><dd>${badge(order.state)}</dd>
<dt>Amount</dt><dd id="amount">${escape(money(order.amount, order.currency))}</dd>
<dt>Transaction ID</dt><dd class="mono" id="transactionId">${escape(order.transactionId ?? "—")}</dd>
<dt>Paid with</dt><dd>${payInfoHtml(order)}</dd>
${order.refundedAmount > 0 ? `<dt>Refunded</dt><dd id="refunded">${escape(money(order.refundedAmount, order.currency))}</dd>` : ""}
</dl>`;
}

const GOOD = new Set([
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
const WARN = new Set([
  "answer_lost",
  "answer_uncertain",
  "not_found_yet",
  "not_listed_yet",
  "amount_unverified",
  "completed_not_listed",
  "regkey_not_stored",
]);
const BAD = new Set([
  "failed",
  "refused",
  "amount_mismatch",
  "internal_error",
  "recovery_overdue",
  "payment_not_found",
  "never_created",
]);

function tone(outcome: string): string {
  const o = outcome.toLowerCase();
  if (GOOD.has(o)) return "good";
  if (WARN.has(o) || o.includes("lost") || o.includes("unknown")) return "warn";
  if (BAD.has(o) || o.includes("fail") || o.includes("error")) return "bad";
  if (o === "sent") return "info";
  return "";
}

function timeline(events: OrderEvent[] | undefined): string {
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
function orderPanel(order: Order): string {
  const recovering =
    order.state === "UNKNOWN"
      ? `<div class="notice warn" id="recovering">LINE Pay's answer was lost. The gateway never guesses: it asks LINE Pay what happened and settles the order from its answer. This page follows along.</div>`
      : "";
  return `<div class="grid"><section>${facts(order)}${recovering}</section>
<section><h2>Journal</h2>${timeline(order.events)}</section></div>`;
}

// Polls the demo's own /api/orders/{id} (the browser never holds a gateway token) while the order
// is UNKNOWN, redrawing `target`; `onState` hears every state it sees.
const POLL_SCRIPT = `
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

// ---------------------------------------------------------------------------------------------
// Pages

const TEA_ART = `<svg width="220" height="220" viewBox="0 0 220 220" role="img" aria-label="A tin of sencha">
<ellipse cx="110" cy="196" rx="70" ry="10" fill="#0a7a3a" opacity=".12"/>
<rect x="52" y="58" width="116" height="138" rx="14" fill="#0f7a45"/>
<rect x="52" y="58" width="116" height="24" rx="10" fill="#0c6a3b"/>
<rect x="46" y="44" width="128" height="26" rx="9" fill="#12934f"/>
<rect x="68" y="102" width="84" height="64" rx="8" fill="#f4fbf6"/>
<path d="M110 114c-15 8-20 22-14 38 16-4 24-18 14-38z" fill="#06c755"/>
<path d="M110 118v30" stroke="#047a35" stroke-width="2" fill="none"/>
</svg>`;

function shopPage(): Response {
  const options = [1, 2, 3, 4, 5].map((n) => `<option value="${n}">${n}</option>`).join("");
  return page(
    "Shop",
    "shop",
    `<div class="card grid">
<div class="product-art">${TEA_ART}</div>
<form method="post" action="/checkout" id="checkout">
<p class="muted small" style="margin:0">Tea House · Online store</p>
<h1 id="product-name">${escape(PRODUCT.name)}</h1>
<p class="muted">${escape(PRODUCT.description)}</p>
<div class="price" id="price">${escape(money(PRODUCT.price, PRODUCT.currency))}</div>
<label for="quantity">Quantity</label>
<select id="quantity" name="quantity">${options}</select>
<button class="button primary" id="pay" type="submit">Pay with <span class="lp">LINE Pay</span></button>
<p class="muted small">You will approve the payment on the LINE Pay sandbox page, then come back here for your receipt.</p>
</form></div>`,
  );
}

async function checkout(request: Request, env: DemoEnv, origin: string): Promise<Response> {
  const form = await request.formData();
  const quantity = Math.min(5, Math.max(1, Number.parseInt(String(form.get("quantity") ?? "1"), 10) || 1));
  const amount = PRODUCT.price * quantity;
  const orderId = newOrderId("shop");
  const answer = await gateway<Order>(env, "POST", "/v1/payments", {
    amount,
    currency: PRODUCT.currency,
    orderId,
    packages: [
      {
        id: "pkg-1",
        amount,
        name: "Tea House",
        products: [{ id: PRODUCT.id, name: PRODUCT.name, quantity, price: PRODUCT.price }],
      },
    ],
    redirectUrls: { confirmUrl: `${origin}/confirm`, cancelUrl: `${origin}/cancel` },
  });
  if (isProblem(answer.status) || !answer.body.paymentUrl) {
    return problemPage("The payment could not be started", answer, orderId);
  }
  // The customer goes to LINE Pay (here: the sandbox's payment page) to approve.
  return redirect(answer.body.paymentUrl.web);
}

/** confirmUrl: the customer approved on LINE Pay; the shop confirms through the gateway. */
async function confirmReturn(url: URL, env: DemoEnv): Promise<Response> {
  const orderId = url.searchParams.get("orderId") ?? "";
  const transactionId = url.searchParams.get("transactionId") ?? "";
  if (!orderId) return page("Missing order", "", `<div class="card"><h1>No orderId in this link</h1></div>`, 400);
  const current = await gateway<Order>(env, "GET", orderPath(orderId));
  if (isProblem(current.status)) return problemPage("This order could not be found", current, orderId);
  const order = current.body;
  // A merchant checks that LINE Pay sent back the transaction it reserved.
  if (order.transactionId && transactionId && order.transactionId !== transactionId) {
    return page(
      "Mismatch",
      "",
      `<div class="card"><h1>This link does not match the order</h1><p class="muted">transactionId ${escape(
        transactionId,
      )} is not order ${escape(orderId)}'s.</p></div>`,
      400,
    );
  }
  if (order.state === "RESERVED") {
    // Confirm repeats the reserved amount and currency; a reload is an idempotent replay.
    const confirmed = await gateway<Order>(env, "POST", `${orderPath(orderId)}/confirm`, {
      amount: order.amount,
      currency: order.currency,
    });
    if (isProblem(confirmed.status)) return problemPage("The payment could not be confirmed", confirmed, orderId);
  }
  return redirect(`/receipt/${encodeURIComponent(orderId)}`);
}

/** cancelUrl: the customer pressed Cancel on LINE Pay. */
async function cancelReturn(url: URL, env: DemoEnv): Promise<Response> {
  const orderId = url.searchParams.get("orderId") ?? "";
  const current = orderId ? await gateway<Order>(env, "GET", orderPath(orderId)) : undefined;
  const state = current && !isProblem(current.status) ? current.body.state : undefined;
  return page(
    "Payment cancelled",
    "shop",
    `<div class="card" id="cancelled"><span class="badge big s-CANCELLED">CANCELLED</span>
<h1 style="margin-top:16px">Payment cancelled</h1>
<p class="muted">You cancelled on LINE Pay. Nothing was charged, and your basket is still here.</p>
<dl class="facts"><dt>Order</dt><dd class="mono" id="orderId">${escape(orderId || "—")}</dd>
${state ? `<dt>Gateway state</dt><dd><span id="gateway-state" class="badge s-${escape(state)}">${escape(state)}</span> <span class="muted small">an unconfirmed reservation becomes EXPIRED after LINE Pay's 20-minute window</span></dd>` : ""}
</dl>
<div class="actions"><a class="button secondary" href="/" id="back">Back to the shop</a>${
      orderId ? `<a class="button secondary" href="/orders/${encodeURIComponent(orderId)}">Order timeline</a>` : ""
    }</div></div>`,
  );
}

async function receiptPage(orderId: string, env: DemoEnv): Promise<Response> {
  const answer = await gateway<Order>(env, "GET", orderPath(orderId));
  if (isProblem(answer.status)) return problemPage("This order could not be found", answer, orderId);
  const order = answer.body;
  const refundable = order.state === "CAPTURED" || order.state === "PARTIALLY_REFUNDED";
  const heading: Record<string, string> = {
    CAPTURED: "Thank you! Your payment is complete.",
    AUTHORIZED: "Your payment is authorized.",
    REFUNDED: "Your payment was refunded.",
    PARTIALLY_REFUNDED: "Part of your payment was refunded.",
    UNKNOWN: "We are checking your payment with LINE Pay…",
  };
  // A fresh key per receipt drawn: a double-clicked Refund is one refund (the gateway replays it).
  const refund = refundable
    ? `<form method="post" action="/receipt/${encodeURIComponent(order.orderId)}/refund">
<input type="hidden" name="idempotencyKey" value="${crypto.randomUUID()}">
<button class="button danger" id="refund" type="submit">Refund ${escape(
        money(order.amount - order.refundedAmount, order.currency),
      )}</button></form>`
    : "";
  const script =
    order.state === "UNKNOWN"
      ? `${POLL_SCRIPT}\nfollow(${JSON.stringify(order.orderId)}, document.createElement("div")).then(() => location.reload());`
      : "";
  return page(
    "Receipt",
    "shop",
    `<div class="card" id="receipt"><p class="muted small" style="margin:0">Receipt</p>
<h1>${escape(heading[order.state] ?? `This order is ${order.state}`)}</h1>
${facts(order)}
<div class="actions">${refund}<a class="button secondary" href="/orders/${encodeURIComponent(order.orderId)}" id="timeline-link">Order timeline</a>
<a class="button secondary" href="/">Continue shopping</a></div></div>`,
    200,
    script,
  );
}

async function refundOrder(request: Request, orderId: string, env: DemoEnv): Promise<Response> {
  const form = await request.formData();
  const key = String(form.get("idempotencyKey") ?? "") || crypto.randomUUID();
  const answer = await gateway<Order>(env, "POST", `${orderPath(orderId)}/refund`, undefined, {
    "Idempotency-Key": key,
  });
  if (isProblem(answer.status)) return problemPage("The refund did not go through", answer, orderId);
  return redirect(`/receipt/${encodeURIComponent(orderId)}`);
}

function posPage(): Response {
  return page(
    "POS",
    "pos",
    `<div class="grid till-layout">
<form class="card" id="pos-form">
<p class="muted small" style="margin:0">Till 7 · Offline API v2</p>
<h1>Charge a customer</h1>
<div class="till" id="display">¥450</div>
<label for="productName">Item</label>
<input type="text" id="productName" name="productName" value="Coffee" maxlength="100" required>
<label for="amount">Amount (JPY)</label>
<input type="number" id="amount" name="amount" value="450" min="1" max="1000000" step="1" required>
<label class="switch" for="lose"><input type="checkbox" id="lose" name="lose">
<span><b>Lose LINE Pay's answer</b><span class="muted small">The sandbox takes the payment but drops its answer, and fails the next two status checks: the order is UNKNOWN until the gateway's recovery alarm settles it from LINE Pay's record.</span></span></label>
<button class="button primary" id="charge" type="submit">Scan My Code &amp; charge</button>
<p class="muted small">The customer's My Code comes from the sandbox (a fresh one-time key per charge).</p>
</form>
<section class="card"><h2>Payment</h2><p class="muted small" id="pos-status">Waiting for a charge.</p>
<ul class="log" id="pos-log"></ul>
<div id="pos-result"><div class="empty">No payment yet</div></div></section>
</div>`,
    200,
    `${POLL_SCRIPT}
const form = document.getElementById("pos-form"), amount = document.getElementById("amount");
const display = document.getElementById("display"), statusLine = document.getElementById("pos-status");
const log = document.getElementById("pos-log"), result = document.getElementById("pos-result");
const yen = new Intl.NumberFormat("en-US", { style: "currency", currency: "JPY" });
amount.addEventListener("input", () => { display.textContent = yen.format(Number(amount.value) || 0); });
let started = 0, last = "";
function note(state) {
  if (state === last) return;
  last = state;
  const li = document.createElement("li");
  li.innerHTML = '<span class="mono">+' + ((Date.now() - started) / 1000).toFixed(1) + ' s</span> <span class="badge s-' + state + '">' + state + "</span>";
  log.appendChild(li);
}
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("charge");
  button.disabled = true; log.innerHTML = ""; last = ""; started = Date.now();
  statusLine.textContent = "Scanning the customer's My Code and charging…";
  try {
    const res = await fetch("/api/pos/charge", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ productName: form.productName.value, amount: Number(amount.value), lose: form.lose.checked }) });
    const data = await res.json();
    if (data.html) result.innerHTML = data.html;
    if (!data.state) { statusLine.textContent = data.message || "The charge failed."; return; }
    result.dataset.orderId = data.orderId;
    note(data.state);
    statusLine.textContent = data.message;
    if (data.state === "UNKNOWN") {
      const final = await follow(data.orderId, result, note);
      statusLine.textContent = final === "UNKNOWN" ? "Still unknown: the gateway keeps asking LINE Pay." : "Settled from LINE Pay's record: " + final + ".";
    }
  } catch (error) {
    statusLine.textContent = "The demo could not reach its server: " + error;
  } finally { button.disabled = false; }
});`,
  );
}

async function posCharge(request: Request, env: DemoEnv): Promise<Response> {
  const input = (await request.json().catch(() => ({}))) as { productName?: unknown; amount?: unknown; lose?: unknown };
  const orderId = newOrderId("pos");
  const { oneTimeKey } = await sandbox<{ oneTimeKey: string }>(env, "/__sandbox/one-time-keys");
  if (input.lose === true) {
    // LINE Pay takes the payment but the answer never arrives, and its status check fails twice
    // (about six seconds at the gateway's 3 s POS cadence) before it tells what happened.
    await sandbox(env, "/__sandbox/faults", { operation: "pos.pay", orderId, fault: { type: "drop" } });
    await sandbox(env, "/__sandbox/faults", {
      operation: "pos.check",
      orderId,
      times: 2,
      fault: { type: "http", status: 500 },
    });
  }
  const answer = await gateway<Order>(env, "POST", "/v1/pos/payments", {
    productName:
      typeof input.productName === "string" && input.productName.trim() ? input.productName.trim() : "Coffee",
    amount: typeof input.amount === "number" ? input.amount : Number(input.amount),
    currency: "JPY",
    orderId,
    oneTimeKey,
  });
  if (isProblem(answer.status)) {
    const p = answer.body as Problem;
    const fields = (p.errors ?? []).map((e) => `${e.path}: ${e.message}`).join("; ");
    return Response.json({
      orderId,
      status: answer.status,
      message: `${p.title ?? "Refused"} (${answer.status}): ${p.detail ?? ""}${fields ? ` ${fields}` : ""}`,
    });
  }
  const view = await gateway<Order>(env, "GET", orderPath(orderId));
  const order = isProblem(view.status) ? answer.body : view.body;
  const message =
    answer.status === 202
      ? `202 UNKNOWN (Retry-After ${answer.retryAfter ?? "?"} s): LINE Pay's answer was lost; the gateway is asking LINE Pay what happened.`
      : `${answer.status} ${answer.body.state}: paid with My Code ${oneTimeKey.slice(0, 4)}…${oneTimeKey.slice(-4)}.`;
  return Response.json({ orderId, status: answer.status, state: order.state, message, html: orderPanel(order) });
}

async function orderApi(orderId: string, env: DemoEnv): Promise<Response> {
  const answer = await gateway<Order>(env, "GET", orderPath(orderId));
  if (isProblem(answer.status)) return Response.json({ status: answer.status, problem: answer.body }, { status: 404 });
  return Response.json(
    { status: answer.status, state: answer.body.state, order: answer.body, html: orderPanel(answer.body) },
    { headers: { "Cache-Control": "no-store" } },
  );
}

function ordersPage(): Response {
  return page(
    "Orders",
    "orders",
    `<div class="card"><h1>Look up an order</h1><p class="muted">Any orderId the gateway knows: the shop's, the till's, or one made with curl.</p>
<form method="get" action="/orders" style="display:flex;gap:12px;align-items:flex-end">
<div style="flex:1"><label for="orderId">orderId</label><input type="text" id="orderId" name="orderId" required placeholder="shop-…"></div>
<button class="button secondary" type="submit">Show timeline</button></form></div>`,
  );
}

async function orderPage(orderId: string, env: DemoEnv): Promise<Response> {
  const answer = await gateway<Order>(env, "GET", orderPath(orderId));
  if (isProblem(answer.status)) return problemPage("This order could not be found", answer, undefined);
  const order = answer.body;
  const script =
    order.state === "UNKNOWN"
      ? `${POLL_SCRIPT}\nfollow(${JSON.stringify(order.orderId)}, document.getElementById("order-live"));`
      : "";
  return page(
    `Order ${order.orderId}`,
    "orders",
    `<div class="card"><p class="muted small" style="margin:0">${escape(order.kind)} order</p>
<h1 class="mono" style="font-size:1.3rem">${escape(order.orderId)}</h1>
<div id="order-live">${orderPanel(order)}</div></div>`,
    200,
    script,
  );
}

// ---------------------------------------------------------------------------------------------
// Routing

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
  if (receipt && method === "POST" && receipt[2]) return refundOrder(request, decodeURIComponent(receipt[1]!), env);
  if (method === "GET" && pathname === "/pos") return posPage();
  if (method === "POST" && pathname === "/api/pos/charge") return posCharge(request, env);
  if (api && method === "GET") return orderApi(decodeURIComponent(api[1]!), env);
  if (method === "GET" && pathname === "/orders") {
    const wanted = url.searchParams.get("orderId")?.trim();
    return wanted ? redirect(`/orders/${encodeURIComponent(wanted)}`) : ordersPage();
  }
  if (order && method === "GET") return orderPage(decodeURIComponent(order[1]!), env);
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
