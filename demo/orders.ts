/** Order lookup and the journal timeline page. */
import { DemoEnv, Order, gateway, isProblem, orderPath, shopOfOrder } from "./clients";
import { POLL_SCRIPT, escape, orderPanel, page, problemPage } from "./layout";

export function ordersPage(): Response {
  return page(
    "Orders",
    "orders",
    `<div class="card"><h1>Look up an order</h1><p class="muted">Any orderId the gateway knows: the shop's, the tills', or one made with curl (as the default merchant).</p>
<form method="get" action="/orders" class="lookup">
<div><label for="orderId">orderId</label><input type="text" id="orderId" name="orderId" required placeholder="shop-…"></div>
<button class="button secondary" type="submit">Show timeline</button></form></div>`,
  );
}

export async function orderPage(orderId: string, env: DemoEnv): Promise<Response> {
  const shop = shopOfOrder(orderId);
  const answer = await gateway<Order>(env, "GET", orderPath(orderId), undefined, { shop });
  if (isProblem(answer.status)) return problemPage("This order could not be found", answer, undefined);
  const order = answer.body;
  const script =
    order.state === "UNKNOWN"
      ? `${POLL_SCRIPT}\nfollow(${JSON.stringify(order.orderId)}, document.getElementById("order-live"));`
      : "";
  return page(
    `Order ${order.orderId}`,
    "orders",
    `<div class="card"><p class="muted small" style="margin:0">${escape(order.kind)} order · ${escape(shop.name)}</p>
<h1 class="mono" style="font-size:1.3rem">${escape(order.orderId)}</h1>
<div id="order-live">${orderPanel(order)}</div></div>`,
    200,
    script,
  );
}
