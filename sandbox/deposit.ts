/** Partner Deposit, as the public code uses it: a transfer to an 11-digit LINE Pay number, ¥50 a transfer. */
import { envelope, success } from "./json";
import { isoNow, type OpContext } from "./context";
import { newTransactionId } from "./store";

const FEE = 50;

export function deposit(ctx: OpContext): Response {
  const b = ctx.body;
  if (typeof b.orderId !== "string" || b.orderId.length === 0 || b.orderId.length > 100)
    return envelope("2101", "Parameter error.");
  if (typeof b.referenceNo !== "string" || !/^\d{11}$/.test(b.referenceNo))
    return envelope("1101", "The LINE Pay number is wrong.");
  if (b.phoneLast4 !== undefined && !/^\d{4}$/.test(String(b.phoneLast4)))
    return envelope("1136", "Additional authentication failed.");
  if (b.currency !== "JPY") return envelope("1178", "Unsupported currency.");
  if (typeof b.amount !== "number" || !Number.isInteger(b.amount)) return envelope("1124", "Amount error.");
  if (b.amount < 1) return envelope("1183", "Amount below the minimum.");
  if (b.amount > 1_000_000) return envelope("1184", "Amount above the maximum.");
  if (ctx.ledger.deposits.has(b.orderId)) return envelope("1172", "Existing same orderId.");
  const record = {
    transactionId: newTransactionId(),
    orderId: b.orderId,
    referenceNo: b.referenceNo,
    amount: b.amount,
    fee: FEE,
    transactionDate: isoNow(),
  };
  ctx.ledger.deposits.set(b.orderId, record);
  return success({ transactionId: record.transactionId, transactionDate: record.transactionDate, fee: FEE });
}
