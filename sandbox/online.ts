/**
 * Online API v3/v4, as LINE Pay documents it: request → customer approval on the payment page
 * → confirm; capture/void for authorizations; refunds; details; status check.
 */
import { envelope, success } from "./json";
import { RESERVATION_WINDOW_MS, SUPPORTED_CURRENCIES, integerCurrency, isoNow, type OpContext } from "./context";
import { cents, packagesAddUp, productNames } from "./packages";
import { detailOf, newRegKey, newTransactionId, payInfo, randomDigits, refunded, round2, type Payment } from "./store";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const provider = (ctx: OpContext) => (ctx.version === "v4" ? { paymentProvider: "TSP" } : {});

function expired(p: Payment, now: number): boolean {
  return p.reservation === "WAITING" && now - p.createdAt > RESERVATION_WINDOW_MS;
}

export function request(ctx: OpContext): Response {
  const b = ctx.body as Body;
  if (
    typeof b.orderId !== "string" ||
    typeof b.amount !== "number" ||
    !Array.isArray(b.packages) ||
    !b.redirectUrls?.confirmUrl
  )
    return envelope("2101", "Parameter error.");
  if (!SUPPORTED_CURRENCIES.includes(b.currency)) return envelope("1178", "Unsupported currency.");
  if (b.amount <= 0) return envelope("1183", "Amount must be greater than 0.");
  // LINE Pay's rule: amount = Σ package amounts + Σ userFee + shipping fee.
  if (!packagesAddUp(b.packages, b.amount, cents(b.options?.shipping?.feeAmount ?? 0)))
    return envelope("2101", "Parameter error: amounts do not add up.");
  if (ctx.ledger.byOrder.has(b.orderId)) return envelope("1172", "Existing same orderId.");
  const payment: Payment = {
    transactionId: newTransactionId(),
    orderId: b.orderId,
    kind: "online",
    amount: b.amount,
    currency: b.currency,
    charged: b.amount,
    capture: b.options?.payment?.capture !== false,
    payType: b.options?.payment?.payType === "PREAPPROVED" ? "PREAPPROVED" : "NORMAL",
    productName: productNames(b.packages),
    createdAt: ctx.now,
    reservation: "WAITING",
    redirectUrls: { confirmUrl: b.redirectUrls.confirmUrl, cancelUrl: b.redirectUrls.cancelUrl },
    captured: 0,
    refunds: [],
  };
  ctx.ledger.byTransaction.set(payment.transactionId, payment);
  ctx.ledger.byOrder.set(payment.orderId, payment);
  const token = randomDigits(12);
  return success({
    transactionId: payment.transactionId,
    paymentAccessToken: token,
    paymentUrl: { web: `${ctx.url.origin}/payment/${payment.transactionId}`, app: `line://pay/payment/${token}` },
  });
}

export function checkStatus(ctx: OpContext, transactionId: string): Response {
  const p = ctx.ledger.byTransaction.get(transactionId);
  if (!p || p.kind !== "online") return envelope("1150", "Transaction record not found.");
  if (expired(p, ctx.now)) return envelope("0121", "Cancelled or expired.");
  switch (p.reservation) {
    case "WAITING":
      return envelope("0000", "Waiting for the customer.");
    case "AUTHENTICATED":
      return envelope("0110", "Authenticated; confirm allowed.");
    case "CANCELLED":
      return envelope("0121", "Cancelled or expired.");
    case "FAILED":
      return envelope("0122", "Payment failed.");
    default:
      return envelope("0123", "Payment completed.");
  }
}

export function confirm(ctx: OpContext, transactionId: string): Response {
  const p = ctx.ledger.byTransaction.get(transactionId);
  if (!p || p.kind !== "online") return envelope("1150", "Transaction record not found.");
  if (p.reservation === "COMPLETED") return envelope("1172", "Existing same orderId.");
  if (expired(p, ctx.now) || p.reservation === "CANCELLED") return envelope("1180", "The payment time has expired.");
  if (p.reservation !== "AUTHENTICATED")
    return envelope("1179", "The transaction is not in a state that can be confirmed.");
  if (ctx.body.amount !== p.amount || ctx.body.currency !== p.currency)
    return envelope("1153", "The requested amount differs.");
  p.reservation = "COMPLETED";
  p.charged = ctx.payAmount ?? p.amount;
  p.payStatus = p.capture ? "CAPTURE" : "AUTHORIZATION";
  p.captured = p.capture ? p.charged : 0;
  p.transactionDate = isoNow();
  const info: Record<string, unknown> = {
    orderId: p.orderId,
    transactionId: p.transactionId,
    payInfo: payInfo(p),
    ...provider(ctx),
  };
  if (!p.capture) info.authorizationExpireDate = new Date(ctx.now + 7 * 86_400_000).toISOString();
  if (p.payType === "PREAPPROVED") {
    p.regKey = newRegKey();
    ctx.ledger.regKeys.set(p.regKey, { regKey: p.regKey, orderId: p.orderId, status: "ACTIVE", busy: false });
    info.regKey = p.regKey;
  }
  return success(info);
}

/** Capture, void and refund are shared with v2 (keyed by orderId there). */
export function capturePayment(ctx: OpContext, p: Payment | undefined, extra: Record<string, unknown> = {}): Response {
  if (!p || !p.payStatus) return envelope("1150", "Transaction record not found.");
  if (p.payStatus !== "AUTHORIZATION") return envelope("1165", "Already captured or voided.");
  if (ctx.body.currency !== p.currency) return envelope("1178", "Unsupported currency.");
  if (typeof ctx.body.amount !== "number" || ctx.body.amount <= 0) return envelope("2101", "Parameter error.");
  if (ctx.body.amount > p.charged) return envelope("1184", "The capture amount exceeds the authorized amount.");
  p.payStatus = "CAPTURE";
  p.captured = ctx.body.amount;
  p.charged = ctx.body.amount;
  return success({ orderId: p.orderId, transactionId: p.transactionId, payInfo: payInfo(p), ...extra });
}

export function voidPayment(p: Payment | undefined): Response {
  if (!p || !p.payStatus) return envelope("1150", "Transaction record not found.");
  if (p.payStatus !== "AUTHORIZATION") return envelope("1165", "Already captured or voided.");
  p.payStatus = "VOIDED_AUTHORIZATION";
  return success();
}

export function refundPayment(ctx: OpContext, p: Payment | undefined): Response {
  if (!p || !p.payStatus) return envelope("1150", "Transaction record not found.");
  if (p.payStatus !== "CAPTURE") return envelope("1165", "Already refunded or voided.");
  const remaining = round2(p.captured - refunded(p));
  if (remaining <= 0) return envelope("1165", "Already refunded.");
  const amount = ctx.body.refundAmount === undefined ? remaining : ctx.body.refundAmount;
  if (typeof amount !== "number" || amount <= 0) return envelope("2101", "Parameter error.");
  if (integerCurrency(p.currency) && !Number.isInteger(amount)) return envelope("1124", "Amount error (scale).");
  if (cents(amount) > cents(remaining)) return envelope("1164", "The refund amount exceeds the refundable amount.");
  const refund = { refundTransactionId: newTransactionId(), amount, date: isoNow() };
  p.refunds.push(refund);
  return success({ refundTransactionId: refund.refundTransactionId, refundTransactionDate: refund.date });
}

/**
 * Details lists payments, not reservations still waiting for the customer: LINE Pay's docs do
 * not say whether those appear, and a client must not take a waiting reservation for money.
 */
export function details(ctx: OpContext): Response {
  const ids = ctx.url.searchParams.getAll("transactionId");
  const orders = ctx.url.searchParams.getAll("orderId");
  if (ids.length === 0 && orders.length === 0) return envelope("2101", "transactionId or orderId is required.");
  const found = new Map<string, Payment>();
  for (const id of ids) {
    const p = ctx.ledger.byTransaction.get(id);
    if (p?.payStatus) found.set(p.transactionId, p);
  }
  for (const o of orders) {
    const p = ctx.ledger.byOrder.get(o);
    if (p?.payStatus) found.set(p.transactionId, p);
  }
  return success([...found.values()].map((p) => detailOf(p, ctx.version === "v4" ? "TSP" : undefined)));
}
