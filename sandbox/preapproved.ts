/**
 * Preapproved payments on a regKey. A payment takes a little processing time during which the
 * regKey is busy, so that a second concurrent payment meets LINE Pay's 1197 as it would.
 */
import { envelope, success } from "./json";
import { SUPPORTED_CURRENCIES, isoNow, type OpContext } from "./context";
import { sleep } from "./faults";
import { newTransactionId, type Ledger, type Payment } from "./store";

const PROCESSING_MS = 20;

export async function payPreapproved(ctx: OpContext, regKey: string): Promise<Response> {
  const key = ctx.ledger.regKeys.get(regKey);
  if (!key) return envelope("1190", "regKey does not exist.");
  if (key.status !== "ACTIVE") return envelope("1193", "regKey expired.");
  if (key.busy) return envelope("1197", "A payment with this regKey is already being processed.");
  const b = ctx.body;
  if (typeof b.orderId !== "string" || typeof b.amount !== "number" || typeof b.productName !== "string")
    return envelope("2101", "Parameter error.");
  if (!SUPPORTED_CURRENCIES.includes(String(b.currency))) return envelope("1178", "Unsupported currency.");
  if (b.amount <= 0) return envelope("1183", "Amount must be greater than 0.");
  if (ctx.ledger.byOrder.has(b.orderId)) return envelope("1172", "Existing same orderId.");
  key.busy = true;
  try {
    await sleep(PROCESSING_MS);
    if (ctx.ledger.byOrder.has(b.orderId)) return envelope("1172", "Existing same orderId.");
    const capture = b.capture !== false;
    const p: Payment = {
      transactionId: newTransactionId(),
      orderId: b.orderId,
      kind: "preapproved",
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
      transactionDate: isoNow(),
    };
    p.captured = capture ? p.charged : 0;
    ctx.ledger.byTransaction.set(p.transactionId, p);
    ctx.ledger.byOrder.set(p.orderId, p);
    // LINE Pay's answer carries no payInfo (LINEPAY.md): the amount is in the payment details.
    const info: Record<string, unknown> = {
      transactionId: p.transactionId,
      transactionDate: p.transactionDate,
    };
    if (!capture) info.authorizationExpireDate = new Date(ctx.now + 7 * 86_400_000).toISOString();
    if (ctx.version === "v4") info.paymentProvider = "TSP";
    return success(info);
  } finally {
    key.busy = false;
  }
}

export function checkRegKey(ledger: Ledger, regKey: string): Response {
  const key = ledger.regKeys.get(regKey);
  if (!key) return envelope("1190", "regKey does not exist.");
  return key.status === "ACTIVE" ? envelope("0000", "Success.") : envelope("1193", "regKey expired.");
}

export function expireRegKey(ledger: Ledger, regKey: string): Response {
  const key = ledger.regKeys.get(regKey);
  if (!key) return envelope("1190", "regKey does not exist.");
  key.status = "EXPIRED";
  return success();
}
