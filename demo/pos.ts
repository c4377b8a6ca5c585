/**
 * The till: a POS pay with the customer's My Code, a switch that makes LINE Pay's answer get
 * lost, and which shop's till it is: the sencha shop (the default merchant, Offline API v2) or
 * the tea stand (merchant `tea-stand`, Offline API v4). Same route, body and answers for both.
 */
import {
  DemoEnv,
  Order,
  Problem,
  SHOPS,
  gateway,
  isProblem,
  newOrderId,
  orderPath,
  sandbox,
  shopOfOrder,
} from "./clients";
import { POLL_SCRIPT, orderPanel, page } from "./layout";

export function posPage(): Response {
  return page(
    "POS",
    "pos",
    `<div class="grid till-layout">
<form class="card" id="pos-form">
<fieldset class="shops"><legend class="muted small">Till</legend>
<label class="shop"><input type="radio" name="shop" value="sencha" checked> <span><b>${SHOPS.sencha.name}</b> <span class="muted small">default merchant · Offline API ${SHOPS.sencha.offlineVersion}</span></span></label>
<label class="shop"><input type="radio" name="shop" value="tea"> <span><b>${SHOPS.tea.name}</b> <span class="muted small">merchant ${SHOPS.tea.merchant} · Offline API ${SHOPS.tea.offlineVersion}</span></span></label>
</fieldset>
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
<div id="pos-result"><div class="empty">No payment yet</div></div>
<div class="actions" id="pos-journal-row" hidden><a class="button secondary" id="pos-journal" href="/orders">Order timeline</a></div></section>
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
  document.getElementById("pos-journal-row").hidden = true;
  statusLine.textContent = "Scanning the customer's My Code and charging…";
  try {
    const res = await fetch("/api/pos/charge", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ productName: form.productName.value, amount: Number(amount.value), lose: form.lose.checked, shop: form.shop.value }) });
    const data = await res.json();
    if (data.html) result.innerHTML = data.html;
    if (!data.state) { statusLine.textContent = data.message || "The charge failed."; return; }
    result.dataset.orderId = data.orderId;
    // The payment's journal, on the order page (it follows along while the order is UNKNOWN).
    document.getElementById("pos-journal").href = "/orders/" + encodeURIComponent(data.orderId);
    document.getElementById("pos-journal-row").hidden = false;
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

export async function posCharge(request: Request, env: DemoEnv): Promise<Response> {
  const input = (await request.json().catch(() => ({}))) as {
    productName?: unknown;
    amount?: unknown;
    lose?: unknown;
    shop?: unknown;
  };
  const shop = input.shop === "tea" ? SHOPS.tea : SHOPS.sencha;
  const orderId = newOrderId(shop.orderPrefix);
  const { oneTimeKey } = await sandbox<{ oneTimeKey: string }>(env, "/__sandbox/one-time-keys");
  if (input.lose === true) {
    // LINE Pay takes the payment but the answer never arrives, and its status check fails twice
    // (about six seconds at the gateway's 3 s POS cadence) before it tells what happened. The
    // faults are the shop's channel's: each channel has its own at the sandbox.
    const channel = shop.merchant && env.TEA_STAND_CHANNEL_ID ? { channelId: env.TEA_STAND_CHANNEL_ID } : {};
    await sandbox(env, "/__sandbox/faults", { operation: "pos.pay", orderId, fault: { type: "drop" }, ...channel });
    await sandbox(env, "/__sandbox/faults", {
      operation: "pos.check",
      orderId,
      times: 2,
      fault: { type: "http", status: 500 },
      ...channel,
    });
  }
  const answer = await gateway<Order>(
    env,
    "POST",
    "/v1/pos/payments",
    {
      productName:
        typeof input.productName === "string" && input.productName.trim() ? input.productName.trim() : "Coffee",
      amount: typeof input.amount === "number" ? input.amount : Number(input.amount),
      currency: "JPY",
      orderId,
      oneTimeKey,
    },
    { shop },
  );
  if (isProblem(answer.status)) {
    const p = answer.body as Problem;
    const fields = (p.errors ?? []).map((e) => `${e.path}: ${e.message}`).join("; ");
    return Response.json({
      orderId,
      status: answer.status,
      message: `${p.title ?? "Refused"} (${answer.status}): ${p.detail ?? ""}${fields ? ` ${fields}` : ""}`,
    });
  }
  const view = await gateway<Order>(env, "GET", orderPath(orderId), undefined, { shop });
  const order = isProblem(view.status) ? answer.body : view.body;
  const message =
    answer.status === 202
      ? `202 UNKNOWN (Retry-After ${answer.retryAfter ?? "?"} s): LINE Pay's answer was lost; the gateway is asking LINE Pay what happened.`
      : `${answer.status} ${answer.body.state}: paid at the ${shop.name}'s till (Offline API ${shop.offlineVersion}) with My Code ${oneTimeKey.slice(0, 4)}…${oneTimeKey.slice(-4)}.`;
  return Response.json({ orderId, status: answer.status, state: order.state, message, html: orderPanel(order) });
}

export async function orderApi(orderId: string, env: DemoEnv): Promise<Response> {
  const answer = await gateway<Order>(env, "GET", orderPath(orderId), undefined, { shop: shopOfOrder(orderId) });
  if (isProblem(answer.status)) return Response.json({ status: answer.status, problem: answer.body }, { status: 404 });
  return Response.json(
    { status: answer.status, state: answer.body.state, order: answer.body, html: orderPanel(answer.body) },
    { headers: { "Cache-Control": "no-store" } },
  );
}
