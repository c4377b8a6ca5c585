/**
 * The page at `paymentUrl.web` where the customer approves or cancels, then is redirected
 * (303) to the merchant's confirmUrl / cancelUrl with transactionId and orderId appended,
 * as LINE Pay does.
 */
import { state, type Payment } from "./store";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function redirectTarget(p: Payment, approved: boolean): string {
  const target = new URL(approved ? p.redirectUrls!.confirmUrl : p.redirectUrls!.cancelUrl);
  target.searchParams.set("transactionId", p.transactionId);
  target.searchParams.set("orderId", p.orderId);
  return target.toString();
}

export function approve(p: Payment): boolean {
  if (p.reservation !== "WAITING") return false;
  p.reservation = "AUTHENTICATED";
  p.approvedAt = Date.now();
  return true;
}

export function cancel(p: Payment): boolean {
  if (p.reservation !== "WAITING" && p.reservation !== "AUTHENTICATED") return false;
  p.reservation = "CANCELLED";
  return true;
}

function page(title: string, content: string, status = 200): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f2f3f5;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
.card{background:#fff;border-radius:16px;box-shadow:0 4px 24px #0001;padding:32px;width:min(420px,90vw)}
.brand{color:#06c755;font-weight:700;letter-spacing:.02em}.amount{font-size:2.2rem;font-weight:700;margin:8px 0}
.muted{color:#666;font-size:.9rem}button{font-size:1rem;border:0;border-radius:10px;padding:14px;width:100%;margin-top:12px;cursor:pointer}
#approve{background:#06c755;color:#fff}#cancel{background:#eee;color:#333}.tag{display:inline-block;background:#fff3cd;border-radius:6px;padding:2px 8px;font-size:.8rem}
</style></head><body><main class="card">${content}</main></body></html>`;
  return new Response(html, {
    status,
    headers: { "Content-Type": "text/html;charset=utf-8", "Cache-Control": "no-store" },
  });
}

export function paymentPage(transactionId: string): Response {
  const p = state.byTransaction.get(transactionId);
  if (!p || p.kind !== "online") return page("Not found", "<h1>Payment not found</h1>", 404);
  if (p.reservation !== "WAITING")
    return page(
      "Payment",
      `<p class="brand">LINE Pay</p><h1>This payment is ${escape(String(p.reservation).toLowerCase())}</h1>`,
    );
  return page(
    "LINE Pay",
    `<p class="brand">LINE Pay <span class="tag">sandbox</span></p>
<p class="muted">Sandbox Merchant · order ${escape(p.orderId)}</p>
<div class="amount" id="amount">${escape(String(p.amount))} ${escape(p.currency)}</div>
<p id="products">${escape(p.productName)}</p>
${p.payType === "PREAPPROVED" ? '<p class="muted">You also allow this merchant to charge you later (preapproved payments).</p>' : ""}
<form method="post"><button id="approve" name="action" value="approve" type="submit">Pay now</button>
<button id="cancel" name="action" value="cancel" type="submit">Cancel</button></form>`,
  );
}

export async function paymentDecision(request: Request, transactionId: string): Promise<Response> {
  const p = state.byTransaction.get(transactionId);
  if (!p || p.kind !== "online") return page("Not found", "<h1>Payment not found</h1>", 404);
  const form = await request.formData().catch(() => undefined);
  const approved = form?.get("action") === "approve";
  const done = approved ? approve(p) : cancel(p);
  if (!done)
    return page("Payment", `<h1>This payment can no longer be ${approved ? "approved" : "cancelled"}</h1>`, 409);
  return new Response(null, { status: 303, headers: { Location: redirectTarget(p, approved) } });
}
