/**
 * The Offline API (POS), v2 and v4: pay with the customer's My Code, then everything by merchant
 * orderId. One set of handlers and one ledger for both versions: v4 differs in its pay body
 * (read by offline-v4.ts into the same fields), its authentication (index.ts: v3's signature
 * instead of v2's secret header) and the `paymentProvider` its answers carry.
 */
import { envelope, success } from "./json";
import { SUPPORTED_CURRENCIES, isoNow, type OpContext } from "./context";
import { posPayFieldsV4 } from "./offline-v4";
import { capturePayment, refundPayment, voidPayment } from "./online";
import { detailOf, myCodes, newTransactionId, payInfo, refunded, type Ledger, type Payment } from "./store";

/** What a pay asks for, whichever version's body carried it. */
export interface PosPayFields {
  orderId: string;
  amount: number;
  currency: string;
  oneTimeKey: string;
  productName: string;
  capture: boolean;
}

function posPayFieldsV2(b: Record<string, unknown>): PosPayFields | undefined {
  if (typeof b.orderId !== "string" || typeof b.amount !== "number" || typeof b.productName !== "string")
    return undefined;
  return {
    orderId: b.orderId,
    amount: b.amount,
    currency: String(b.currency),
    oneTimeKey: String(b.oneTimeKey ?? ""),
    productName: b.productName,
    capture: b.capture !== false,
  };
}

const PROVIDER = "TSP";
const provider = (ctx: OpContext) => (ctx.version === "v4" ? { paymentProvider: PROVIDER } : {});

export function posPay(ctx: OpContext): Response {
  const b = ctx.version === "v4" ? posPayFieldsV4(ctx.body) : posPayFieldsV2(ctx.body);
  if (!b) return envelope("2101", "Parameter error.");
  const key = b.oneTimeKey;
  const minted = myCodes.minted.get(key);
  if (!/^(\d{12}|\d{18}|\d{19})$/.test(key) || myCodes.used.has(key) || (minted && minted.expiresAt < ctx.now)) {
    ctx.ledger.posFailures.add(b.orderId);
    return envelope("1133", "The oneTimeKey is invalid or expired.");
  }
  if (!SUPPORTED_CURRENCIES.includes(b.currency)) return envelope("1178", "Unsupported currency.");
  if (b.amount <= 0) return envelope("1183", "Amount must be greater than 0.");
  if (ctx.ledger.byOrder.has(b.orderId)) return envelope("1172", "Existing same orderId.");
  myCodes.used.add(key);
  const p: Payment = {
    transactionId: newTransactionId(),
    orderId: b.orderId,
    kind: "pos",
    amount: b.amount,
    currency: b.currency,
    charged: ctx.payAmount ?? b.amount,
    capture: b.capture,
    payType: "NORMAL",
    productName: b.productName,
    createdAt: ctx.now,
    payStatus: b.capture ? "CAPTURE" : "AUTHORIZATION",
    captured: 0,
    refunds: [],
    deviceType: ctx.request.headers.get("X-LINE-MerchantDeviceType") ?? undefined,
    deviceProfileId: ctx.request.headers.get("X-LINE-MerchantDeviceProfileId") ?? undefined,
    transactionDate: isoNow(),
  };
  p.captured = b.capture ? p.charged : 0;
  ctx.ledger.byTransaction.set(p.transactionId, p);
  ctx.ledger.byOrder.set(p.orderId, p);
  const info: Record<string, unknown> = {
    transactionId: p.transactionId,
    orderId: p.orderId,
    transactionDate: p.transactionDate,
    payInfo: payInfo(p),
    ...provider(ctx),
  };
  if (!b.capture) info.authorizationExpireDate = new Date(ctx.now + 7 * 86_400_000).toISOString();
  return success(info);
}

const posPayment = (ledger: Ledger, orderId: string): Payment | undefined => {
  const p = ledger.byOrder.get(orderId);
  return p?.kind === "pos" ? p : undefined;
};

/** v2 answers the status alone; v4 the payment's ids, date, payInfo and provider beside it. */
export function posCheck(ctx: OpContext, orderId: string): Response {
  const p = posPayment(ctx.ledger, orderId);
  if (!p)
    return ctx.ledger.posFailures.has(orderId)
      ? success({ status: "FAIL" })
      : envelope("1150", "Transaction record not found.");
  const fullyRefunded = p.payStatus === "CAPTURE" && p.captured > 0 && refunded(p) >= p.captured;
  const status = fullyRefunded ? "REFUND" : "COMPLETE";
  if (ctx.version !== "v4") return success({ status });
  return success({
    status,
    transactionId: p.transactionId,
    orderId: p.orderId,
    transactionDate: p.transactionDate,
    payInfo: payInfo(p),
    paymentProvider: PROVIDER,
  });
}

export const posVoid = (ctx: OpContext, orderId: string) => voidPayment(posPayment(ctx.ledger, orderId));
export const posCapture = (ctx: OpContext, orderId: string) =>
  capturePayment(
    ctx,
    posPayment(ctx.ledger, orderId),
    ctx.version === "v4" ? { transactionDate: isoNow(), paymentProvider: PROVIDER } : {},
  );
export const posRefund = (ctx: OpContext, orderId: string) => refundPayment(ctx, posPayment(ctx.ledger, orderId));

export function posAuthorizations(ctx: OpContext): Response {
  const orderId = ctx.url.searchParams.get("orderId");
  if (!orderId) return envelope("2101", "orderId is required.");
  const p = posPayment(ctx.ledger, orderId);
  if (!p || p.capture) return success([]);
  const v4 =
    ctx.version === "v4"
      ? {
          transactionType: "PAYMENT",
          productName: p.productName,
          authorizationExpireDate: new Date(p.createdAt + 7 * 86_400_000).toISOString(),
          paymentProvider: PROVIDER,
        }
      : {};
  return success([
    {
      transactionId: p.transactionId,
      orderId: p.orderId,
      transactionDate: p.transactionDate,
      payStatus: p.payStatus === "CAPTURE" ? "CAPTURE" : p.payStatus,
      payInfo: payInfo(p),
      currency: p.currency,
      ...v4,
    },
  ]);
}

export function posDetails(ctx: OpContext): Response {
  const orderId = ctx.url.searchParams.get("orderId");
  if (!orderId) return envelope("2101", "orderId is required.");
  const p = posPayment(ctx.ledger, orderId);
  return success(p && p.payStatus === "CAPTURE" ? [detailOf(p, provider(ctx).paymentProvider)] : []);
}
