/**
 * The page at `paymentUrl.web` where the customer approves or cancels, then is redirected
 * (303) to the merchant's confirmUrl / cancelUrl with transactionId and orderId appended,
 * as LINE Pay does.
 */
import { allChannels } from "./channels";
import type { Payment } from "./store";

/** A reservation by transactionId, whichever channel made it (transactionIds are unique across channels). */
export function findReservation(transactionId: string): Payment | undefined {
  for (const { ledger } of allChannels()) {
    const p = ledger.byTransaction.get(transactionId);
    if (p) return p;
  }
  return undefined;
}

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
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;background:#f2f3f5;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;padding:16px}
.card{background:#fff;border-radius:16px;box-shadow:0 4px 24px #0001;padding:28px 24px;width:min(420px,100%)}
a.back{display:block;text-align:center;margin-top:16px;color:#06c755;font-weight:600}
.brand{color:#06c755;font-weight:700;letter-spacing:.02em}.amount{font-size:2.2rem;font-weight:700;margin:8px 0}
.muted{color:#666;font-size:.9rem}button{font-size:1rem;border:0;border-radius:10px;padding:14px;width:100%;margin-top:12px;cursor:pointer}
#approve{background:#06c755;color:#fff}#cancel{background:#eee;color:#333}.tag{display:inline-block;background:#fff3cd;border-radius:6px;padding:2px 8px;font-size:.8rem}
</style></head><body><main class="card">${content}</main></body></html>`;
  return new Response(html, {
    status,
    headers: { "Content-Type": "text/html;charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * The way back to the merchant from a payment already decided (a customer pressing Back after
 * paying lands here): where LINE Pay would have sent them, the confirmUrl once approved, the
 * cancelUrl once cancelled. The merchant's pages answer a second visit idempotently.
 */
function backLink(p: Payment): string {
  if (!p.redirectUrls) return "";
  const approved = p.reservation === "AUTHENTICATED" || p.reservation === "COMPLETED";
  return `<a class="back" id="back-to-merchant" href="${escape(redirectTarget(p, approved))}">Return to the merchant</a>`;
}

export function paymentPage(transactionId: string): Response {
  const p = findReservation(transactionId);
  if (!p || p.kind !== "online") return page("Not found", "<h1>Payment not found</h1>", 404);
  if (p.reservation !== "WAITING")
    return page(
      "Payment",
      `<p class="brand">LINE Pay</p><h1>This payment is ${escape(String(p.reservation).toLowerCase())}</h1>${backLink(p)}`,
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
  const p = findReservation(transactionId);
  if (!p || p.kind !== "online") return page("Not found", "<h1>Payment not found</h1>", 404);
  const form = await request.formData().catch(() => undefined);
  const approved = form?.get("action") === "approve";
  const done = approved ? approve(p) : cancel(p);
  if (!done)
    return page(
      "Payment",
      `<h1>This payment can no longer be ${approved ? "approved" : "cancelled"}</h1>${backLink(p)}`,
      409,
    );
  return new Response(null, { status: 303, headers: { Location: redirectTarget(p, approved) } });
}
