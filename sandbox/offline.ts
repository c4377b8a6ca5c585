/** Offline API v2 (POS): pay with the customer's My Code, then everything by merchant orderId. */
import { envelope, success } from "./json";
import { SUPPORTED_CURRENCIES, isoNow, type OpContext } from "./context";
import { capturePayment, refundPayment, voidPayment } from "./online";
import { detailOf, myCodes, newTransactionId, payInfo, refunded, type Ledger, type Payment } from "./store";

export function posPay(ctx: OpContext): Response {
  const b = ctx.body;
  if (typeof b.orderId !== "string" || typeof b.amount !== "number" || typeof b.productName !== "string")
    return envelope("2101", "Parameter error.");
  const key = String(b.oneTimeKey ?? "");
  const minted = myCodes.minted.get(key);
  if (!/^(\d{12}|\d{18}|\d{19})$/.test(key) || myCodes.used.has(key) || (minted && minted.expiresAt < ctx.now)) {
    ctx.ledger.posFailures.add(b.orderId);
    return envelope("1133", "The oneTimeKey is invalid or expired.");
  }
  if (!SUPPORTED_CURRENCIES.includes(String(b.currency))) return envelope("1178", "Unsupported currency.");
  if (b.amount <= 0) return envelope("1183", "Amount must be greater than 0.");
  if (ctx.ledger.byOrder.has(b.orderId)) return envelope("1172", "Existing same orderId.");
  myCodes.used.add(key);
  const capture = b.capture !== false;
  const p: Payment = {
    transactionId: newTransactionId(),
    orderId: b.orderId,
    kind: "pos",
    amount: b.amount,
    currency: String(b.currency),
    charged: ctx.payAmount ?? b.amount,
    capture,
    payType: "NORMAL",
    productName: b.productName,
    createdAt: ctx.now,
    payStatus: capture ? "CAPTURE" : "AUTHORIZATION",
    captured: 0,
    refunds: [],
    deviceType: ctx.request.headers.get("X-LINE-MerchantDeviceType") ?? undefined,
    deviceProfileId: ctx.request.headers.get("X-LINE-MerchantDeviceProfileId") ?? undefined,
    transactionDate: isoNow(),
  };
  p.captured = capture ? p.charged : 0;
  ctx.ledger.byTransaction.set(p.transactionId, p);
  ctx.ledger.byOrder.set(p.orderId, p);
  const info: Record<string, unknown> = {
    transactionId: p.transactionId,
    orderId: p.orderId,
    transactionDate: p.transactionDate,
    payInfo: payInfo(p),
  };
  if (!capture) info.authorizationExpireDate = new Date(ctx.now + 7 * 86_400_000).toISOString();
  return success(info);
}

const posPayment = (ledger: Ledger, orderId: string): Payment | undefined => {
  const p = ledger.byOrder.get(orderId);
  return p?.kind === "pos" ? p : undefined;
};

export function posCheck(ledger: Ledger, orderId: string): Response {
  const p = posPayment(ledger, orderId);
  if (!p)
    return ledger.posFailures.has(orderId)
      ? success({ status: "FAIL" })
      : envelope("1150", "Transaction record not found.");
  const fullyRefunded = p.payStatus === "CAPTURE" && p.captured > 0 && refunded(p) >= p.captured;
  return success({ status: fullyRefunded ? "REFUND" : "COMPLETE" });
}

export const posVoid = (ctx: OpContext, orderId: string) => voidPayment(posPayment(ctx.ledger, orderId));
export const posCapture = (ctx: OpContext, orderId: string) => capturePayment(ctx, posPayment(ctx.ledger, orderId));
export const posRefund = (ctx: OpContext, orderId: string) => refundPayment(ctx, posPayment(ctx.ledger, orderId));

export function posAuthorizations(ctx: OpContext): Response {
  const orderId = ctx.url.searchParams.get("orderId");
  if (!orderId) return envelope("2101", "orderId is required.");
  const p = posPayment(ctx.ledger, orderId);
  if (!p || p.capture) return success([]);
  return success([
    {
      transactionId: p.transactionId,
      orderId: p.orderId,
      transactionDate: p.transactionDate,
      payStatus: p.payStatus === "CAPTURE" ? "CAPTURE" : p.payStatus,
      payInfo: payInfo(p),
      currency: p.currency,
    },
  ]);
}

export function posDetails(ctx: OpContext): Response {
  const orderId = ctx.url.searchParams.get("orderId");
  if (!orderId) return envelope("2101", "orderId is required.");
  const p = posPayment(ctx.ledger, orderId);
  return success(p && p.payStatus === "CAPTURE" ? [detailOf(p)] : []);
}
