/** The storefront: product page, checkout through the gateway, LINE Pay's return URLs, receipt and refund. */
import { gateway, isProblem, newOrderId, orderPath, PRODUCT, type DemoEnv, type Order } from "./clients";
import { escape, facts, itemsTable, money, page, POLL_SCRIPT, problemPage, redirect, type LineItem } from "./layout";

interface Basket {
  items: LineItem[];
  currency: string;
}
const basketKey = (orderId: string) => `basket:${orderId}`;
const basketOf = (env: DemoEnv, orderId: string) => env.BASKETS.get<Basket>(basketKey(orderId), "json");

export const TEA_ART = `<svg width="220" height="220" viewBox="0 0 220 220" role="img" aria-label="A tin of sencha">
<ellipse cx="110" cy="196" rx="70" ry="10" fill="#0a7a3a" opacity=".12"/>
<rect x="52" y="58" width="116" height="138" rx="14" fill="#0f7a45"/>
<rect x="52" y="58" width="116" height="24" rx="10" fill="#0c6a3b"/>
<rect x="46" y="44" width="128" height="26" rx="9" fill="#12934f"/>
<rect x="68" y="102" width="84" height="64" rx="8" fill="#f4fbf6"/>
<path d="M110 114c-15 8-20 22-14 38 16-4 24-18 14-38z" fill="#06c755"/>
<path d="M110 118v30" stroke="#047a35" stroke-width="2" fill="none"/>
</svg>`;

export function shopPage(): Response {
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

export async function checkout(request: Request, env: DemoEnv, origin: string): Promise<Response> {
  const form = await request.formData();
  const quantity = Math.min(5, Math.max(1, Number.parseInt(String(form.get("quantity") ?? "1"), 10) || 1));
  const amount = PRODUCT.price * quantity;
  const orderId = newOrderId("shop");
  // The shop keeps its own basket: LINE Pay and the gateway are told amounts, and a receipt
  // lists what was bought.
  const basket: Basket = {
    items: [{ name: PRODUCT.name, quantity, price: PRODUCT.price }],
    currency: PRODUCT.currency,
  };
  await env.BASKETS.put(basketKey(orderId), JSON.stringify(basket), { expirationTtl: 30 * 86_400 });
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
export async function confirmReturn(url: URL, env: DemoEnv): Promise<Response> {
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
export async function cancelReturn(url: URL, env: DemoEnv): Promise<Response> {
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

export async function receiptPage(orderId: string, env: DemoEnv): Promise<Response> {
  const [answer, basket] = await Promise.all([gateway<Order>(env, "GET", orderPath(orderId)), basketOf(env, orderId)]);
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
  // Refund asks first, on a page of its own: one click must never move money back.
  const refund = refundable
    ? `<a class="button danger" id="refund" href="/receipt/${encodeURIComponent(order.orderId)}/refund">Refund ${escape(
        money(order.amount - order.refundedAmount, order.currency),
      )}</a>`
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
${items(basket)}
${facts(order)}
<div class="actions">${refund}<a class="button secondary" href="/orders/${encodeURIComponent(order.orderId)}" id="timeline-link">Order timeline</a>
<a class="button secondary" href="/">Continue shopping</a></div></div>`,
    200,
    script,
  );
}

const items = (basket: Basket | null) =>
  basket
    ? itemsTable(basket.items, basket.currency)
    : `<p class="muted small" id="items">No line items: this order was not made in this shop.</p>`;

/** Asks before refunding: what goes back, and two clear ways on. */
export async function refundConfirmPage(orderId: string, env: DemoEnv): Promise<Response> {
  const [answer, basket] = await Promise.all([gateway<Order>(env, "GET", orderPath(orderId)), basketOf(env, orderId)]);
  if (isProblem(answer.status)) return problemPage("This order could not be found", answer, orderId);
  const order = answer.body;
  const receipt = `/receipt/${encodeURIComponent(order.orderId)}`;
  if (order.state !== "CAPTURED" && order.state !== "PARTIALLY_REFUNDED") return redirect(receipt);
  const remaining = escape(money(order.amount - order.refundedAmount, order.currency));
  // A fresh key per confirmation drawn: a double-clicked Refund is one refund (the gateway replays it).
  return page(
    "Refund?",
    "shop",
    `<div class="card" id="refund-confirm"><p class="muted small" style="margin:0">Refund</p>
<h1>Refund ${remaining} to the customer's LINE Pay?</h1>
<p class="muted">LINE Pay returns the money to the way it was paid. This cannot be undone.</p>
${items(basket)}
<form method="post" action="${receipt}/refund" class="actions">
<input type="hidden" name="idempotencyKey" value="${crypto.randomUUID()}">
<button class="button danger" id="confirm-refund" type="submit">Yes, refund ${remaining}</button>
<a class="button secondary" id="keep" href="${receipt}">No, keep the payment</a></form></div>`,
  );
}

export async function refundOrder(request: Request, orderId: string, env: DemoEnv): Promise<Response> {
  const form = await request.formData();
  const key = String(form.get("idempotencyKey") ?? "") || crypto.randomUUID();
  const answer = await gateway<Order>(env, "POST", `${orderPath(orderId)}/refund`, undefined, {
    headers: { "Idempotency-Key": key },
  });
  if (isProblem(answer.status)) return problemPage("The refund did not go through", answer, orderId);
  return redirect(`/receipt/${encodeURIComponent(orderId)}`);
}
