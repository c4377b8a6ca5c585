/** Offline API v2 (POS): pay with the customer's My Code, then everything by merchant orderId. */
import { envelope, success } from "./json";
import { SUPPORTED_CURRENCIES, isoNow, type OpContext } from "./context";
import { capturePayment, refundPayment, voidPayment } from "./online";
import { detailOf, newTransactionId, payInfo, refunded, state, type Payment } from "./store";

export function posPay(ctx: OpContext): Response {
  const b = ctx.body;
  if (typeof b.orderId !== "string" || typeof b.amount !== "number" || typeof b.productName !== "string")
    return envelope("2101", "Parameter error.");
  const key = String(b.oneTimeKey ?? "");
  const minted = state.oneTimeKeys.get(key);
  if (
    !/^(\d{12}|\d{18}|\d{19})$/.test(key) ||
    state.usedOneTimeKeys.has(key) ||
    (minted && minted.expiresAt < ctx.now)
  ) {
    state.posFailures.add(b.orderId);
    return envelope("1133", "The oneTimeKey is invalid or expired.");
  }
  if (!SUPPORTED_CURRENCIES.includes(String(b.currency))) return envelope("1178", "Unsupported currency.");
  if (b.amount <= 0) return envelope("1183", "Amount must be greater than 0.");
  if (state.byOrder.has(b.orderId)) return envelope("1172", "Existing same orderId.");
  state.usedOneTimeKeys.add(key);
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
  state.byTransaction.set(p.transactionId, p);
  state.byOrder.set(p.orderId, p);
  const info: Record<string, unknown> = {
    transactionId: p.transactionId,
    orderId: p.orderId,
    transactionDate: p.transactionDate,
    payInfo: payInfo(p),
  };
  if (!capture) info.authorizationExpireDate = new Date(ctx.now + 7 * 86_400_000).toISOString();
  return success(info);
}

const posPayment = (orderId: string): Payment | undefined => {
  const p = state.byOrder.get(orderId);
  return p?.kind === "pos" ? p : undefined;
};

export function posCheck(orderId: string): Response {
  const p = posPayment(orderId);
  if (!p)
    return state.posFailures.has(orderId)
      ? success({ status: "FAIL" })
      : envelope("1150", "Transaction record not found.");
  const fullyRefunded = p.payStatus === "CAPTURE" && p.captured > 0 && refunded(p) >= p.captured;
  return success({ status: fullyRefunded ? "REFUND" : "COMPLETE" });
}

export const posVoid = (orderId: string) => voidPayment(posPayment(orderId));
export const posCapture = (ctx: OpContext, orderId: string) => capturePayment(ctx, posPayment(orderId));
export const posRefund = (ctx: OpContext, orderId: string) => refundPayment(ctx, posPayment(orderId));

export function posAuthorizations(ctx: OpContext): Response {
  const orderId = ctx.url.searchParams.get("orderId");
  if (!orderId) return envelope("2101", "orderId is required.");
  const p = posPayment(orderId);
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
  const p = posPayment(orderId);
  return success(p && p.payStatus === "CAPTURE" ? [detailOf(p)] : []);
}
