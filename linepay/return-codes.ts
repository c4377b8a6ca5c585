/**
 * LINE Pay returnCodes (LINEPAY.md), as one table: what a code means and which category the
 * gateway gives it. Categories decide what happens next: `declined` is the customer's side
 * (402), `duplicate` means something with this orderId or regKey exists or runs, `temporary`
 * means LINE Pay itself is unsure (the gateway checks, never assumes), `refused` is the rest.
 */
import type { RefusalCategory } from "./types";

const range = (from: number, to: number, except: number[] = []): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i)).filter((c) => !except.includes(Number(c)));

const DECLINED = new Set([
  "1101", // purchaser status error / not a LINE Pay user
  "1102", // purchaser restricted
  "1110", // unusable credit card
  "1133", // invalid oneTimeKey (My Code): the customer must show a new one
  "1141", // account status error
  "1142", // insufficient balance
  "1154", // purchaser's payment method unavailable
  "1170", // user's balance changed
  ...range(1280, 1298, [1297]), // card errors
]);
const DUPLICATE = new Set(["1172", "1197", "1198"]);
const TEMPORARY = new Set(["1199", ...range(1900, 1909), "9000"]);

export const MEANINGS: Record<string, string> = {
  "0000": "success",
  "0110": "authenticated; confirm allowed",
  "0121": "cancelled by the customer or the 20-minute window expired",
  "0122": "payment failed",
  "0123": "payment completed",
  "1101": "purchaser status error",
  "1102": "purchaser restricted",
  "1104": "merchant not found (wrong channel secret or signature)",
  "1105": "merchant cannot use LINE Pay",
  "1106": "header information error (unknown channel or IP not allowed)",
  "1110": "unusable credit card",
  "1124": "amount error (scale)",
  "1133": "invalid oneTimeKey",
  "1141": "account status error",
  "1142": "insufficient balance",
  "1145": "payment in process",
  "1150": "no such transaction",
  "1152": "transaction already exists",
  "1153": "amount differs from the request",
  "1155": "transaction not eligible",
  "1159": "payment request information missing",
  "1163": "refund period over",
  "1164": "refund exceeds the refundable amount",
  "1165": "already refunded or voided",
  "1169": "payment method or password not confirmed",
  "1170": "balance changed",
  "1172": "a transaction with this orderId already exists",
  "1177": "too many transactions requested",
  "1178": "unsupported currency",
  "1179": "transaction not in a state that allows this",
  "1180": "payment window expired",
  "1183": "amount must be greater than 0",
  "1184": "amount exceeds the limit",
  "1190": "unknown regKey",
  "1193": "regKey expired",
  "1194": "merchant cannot use preapproved payments",
  "1197": "a payment with this regKey is already running",
  "1198": "duplicated or concurrent request",
  "1199": "internal request error",
  "1999": "retried request differs from the original",
  "2101": "parameter error",
  "2102": "JSON format error",
  "9000": "internal error",
};

export function classifyReturnCode(code: string): RefusalCategory {
  if (DECLINED.has(code)) return "declined";
  if (DUPLICATE.has(code)) return "duplicate";
  if (TEMPORARY.has(code)) return "temporary";
  return "refused";
}

export function describeReturnCode(code: string): string {
  if (/^128\d|^129\d/.test(code)) return MEANINGS[code] ?? "card error";
  if (/^190\d$/.test(code)) return "LINE Pay internal error; retry later";
  return MEANINGS[code] ?? "unknown return code";
}

/** LINE Pay's rule: after these card errors on a preapproved payment, expire the regKey. */
export function isRegKeyExpiringCardError(code: string): boolean {
  const n = Number(code);
  return (n >= 1281 && n <= 1287) || (n >= 1290 && n <= 1294);
}

/** The regKey no longer exists at LINE Pay. */
export function isRegKeyGone(code: string): boolean {
  return code === "1190" || code === "1193";
}

/**
 * Partner Deposit's own table (LINEPAY.md): the person's side is `declined`, the merchant's
 * side (balance, limits, amount format, currency) is `refused`.
 */
const DEPOSIT_DECLINED = new Set(["1101", "1102", "1108", "1136", "1162"]);

export function depositCategory(code: string): RefusalCategory {
  if (DEPOSIT_DECLINED.has(code)) return "declined";
  if (code === "1172" || code === "1198") return "duplicate";
  if (code === "1199" || code === "9000") return "temporary";
  return "refused";
}
