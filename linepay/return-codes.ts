/**
 * LINE Pay returnCodes (LINEPAY.md "Return codes worth knowing") as one table: what a code
 * means and which category the gateway gives a refusal with it. The category decides what
 * happens next: `declined` is the customer's side (402), `duplicate` means something with this
 * orderId or regKey already exists or runs, `temporary` means LINE Pay may have processed (or
 * be processing) the call: 1145, 1198, 1199, 190X, 9000 (the gateway asks, never assumes), `refused` is everything else,
 * unknown codes included: the merchant's request or the payment's state.
 * Partner Deposit has its own table below: the same numbers mean other things there.
 */
import type { RefusalCategory } from "./types";

type Row = readonly [code: string, category: RefusalCategory, meaning: string];

function range(
  from: number,
  to: number,
  category: RefusalCategory,
  meaning: (code: number) => string,
  except: number[] = [],
): Row[] {
  const rows: Row[] = [];
  for (let n = from; n <= to; n++) if (!except.includes(n)) rows.push([String(n), category, meaning(n)]);
  return rows;
}

const CARD_MEANINGS: Record<number, string> = {
  1283: "card declined: suspected fraud",
  1287: "card expired",
  1288: "card has insufficient funds",
  1291: "card reported stolen",
  1294: "card blacklisted",
  1298: "card declined",
};

/** Online (v3/v4) and offline (v2) payments. */
const PAYMENT_ROWS: Row[] = [
  // Success and status codes: listed for their meaning; each operation names its success set,
  // and one of these outside it (say 0110 from a confirm) is nothing the gateway can act on.
  ["0000", "refused", "success"],
  ["0110", "refused", "authenticated; confirm allowed"],
  ["0121", "refused", "cancelled by the customer or the 20-minute window expired"],
  ["0122", "refused", "payment failed"],
  ["0123", "refused", "payment completed"],
  ["1101", "declined", "purchaser is not a LINE Pay user or has a status error"],
  ["1102", "declined", "purchaser is restricted from payments"],
  ["1104", "refused", "merchant not found (wrong channel secret or signature)"],
  ["1105", "refused", "merchant cannot use LINE Pay"],
  ["1106", "refused", "header error (unknown channel or IP not allowed)"],
  ["1110", "declined", "unusable credit card"],
  ["1124", "refused", "amount error (scale)"],
  // The customer's My Code is wrong or stale: they must show a new one.
  ["1133", "declined", "invalid oneTimeKey"],
  ["1141", "declined", "account status error"],
  // Online and POS: the customer's balance, not the merchant's (see the deposit table).
  ["1142", "declined", "insufficient balance"],
  // Not a refusal: the call is being processed (LINEPAY.md "Slow is not silent").
  ["1145", "temporary", "payment in process"],
  ["1150", "refused", "no such transaction"],
  ["1152", "refused", "transaction already exists"],
  ["1153", "refused", "amount or currency differs from the request"],
  ["1154", "declined", "purchaser's payment method is unavailable"],
  ["1155", "refused", "transaction not eligible"],
  ["1159", "refused", "payment request information missing"],
  ["1163", "refused", "refund period over"],
  ["1164", "refused", "refund exceeds the refundable amount"],
  ["1165", "refused", "already refunded or voided"],
  ["1169", "refused", "payment method or password not confirmed"],
  ["1170", "declined", "purchaser's balance changed"],
  ["1172", "duplicate", "a transaction with this orderId already exists"],
  ["1177", "refused", "too many transactions requested"],
  ["1178", "refused", "unsupported currency"],
  ["1179", "refused", "transaction not in a state that allows this"],
  ["1180", "refused", "payment window expired"],
  ["1183", "refused", "amount must be greater than 0"],
  ["1184", "refused", "amount exceeds the limit"],
  ["1190", "refused", "unknown regKey"],
  ["1193", "refused", "regKey expired"],
  ["1194", "refused", "merchant cannot use preapproved payments"],
  ["1197", "duplicate", "a payment with this regKey is already running"],
  // Not a refusal either: a call like this one (maybe this very one) is running.
  ["1198", "temporary", "duplicated or concurrent request"],
  ["1199", "temporary", "internal request error"],
  // 1297 is not a card code: it falls to "refused" as an unknown code.
  ...range(1280, 1298, "declined", (n) => CARD_MEANINGS[n] ?? "card error", [1297]),
  ...range(1900, 1909, "temporary", () => "LINE Pay internal error; retry later"),
  // Not temporary: the retry differed from the original, so it was refused as sent.
  ["1999", "refused", "retried request differs from the original"],
  ["2101", "refused", "parameter error"],
  ["2102", "refused", "JSON format error"],
  ["9000", "temporary", "LINE Pay internal error"],
];

/** Partner Deposit (LINEPAY.md "Partner Deposit"). */
const DEPOSIT_ROWS: Row[] = [
  ["0000", "refused", "success"],
  ["1101", "declined", "wrong LINE Pay number"],
  ["1102", "declined", "recipient's account is not valid"],
  ["1108", "declined", "recipient's status prevents a credit"],
  ["1124", "refused", "amount error"],
  ["1136", "declined", "additional authentication (phone) is wrong"],
  ["1142", "refused", "merchant's depositable balance is insufficient"],
  ["1162", "declined", "recipient's balance cap exceeded"],
  ["1172", "duplicate", "a deposit with this orderId already exists"],
  ["1178", "refused", "unsupported currency"],
  ["1183", "refused", "amount below the minimum"],
  ["1184", "refused", "amount above the maximum"],
  // The contract's temporary codes hold for deposits too: the transfer may have been made.
  ["1145", "temporary", "request in process"],
  ["1198", "temporary", "concurrent request"],
  ["1199", "temporary", "internal request error"],
  ...range(1900, 1909, "temporary", () => "LINE Pay internal error; retry later"),
  ["2101", "refused", "parameter error"],
  ["2102", "refused", "JSON format error"],
  ["9000", "temporary", "LINE Pay internal error"],
];

const toMap = (rows: Row[]) => new Map(rows.map(([code, category, meaning]) => [code, { category, meaning }]));
const PAYMENT_TABLE = toMap(PAYMENT_ROWS);
const DEPOSIT_TABLE = toMap(DEPOSIT_ROWS);

/** LINE Pay refused the channel's credentials: a wrong secret or signature (1104), an unknown channel (1106). */
export const CREDENTIAL_CODES: ReadonlySet<string> = new Set(["1104", "1106"]);

export const DEFAULT_SUCCESS_CODES: readonly string[] = ["0000"];

/** A payment answer's code: "success" when in the operation's success set, else its category. */
export function classifyReturnCode(
  code: string,
  successCodes: readonly string[] = DEFAULT_SUCCESS_CODES,
): "success" | RefusalCategory {
  if (successCodes.includes(code)) return "success";
  return PAYMENT_TABLE.get(code)?.category ?? "refused";
}

/** The category of a refusal's code (a code outside any success set). */
export function paymentCategory(code: string): RefusalCategory {
  return PAYMENT_TABLE.get(code)?.category ?? "refused";
}

/** Short English meaning of a payment returnCode, for logs and problem details. */
export function describeReturnCode(code: string): string {
  return PAYMENT_TABLE.get(code)?.meaning ?? "unknown return code";
}

/** Partner Deposit's category for a refusal's code. */
export function depositCategory(code: string): RefusalCategory {
  return DEPOSIT_TABLE.get(code)?.category ?? "refused";
}

export function describeDepositReturnCode(code: string): string {
  return DEPOSIT_TABLE.get(code)?.meaning ?? "unknown return code";
}

const inRange = (code: string, from: number, to: number): boolean =>
  /^\d{4}$/.test(code) && Number(code) >= from && Number(code) <= to;

/** LINE Pay's rule: after these card errors on a preapproved payment, expire the regKey. */
export function isRegKeyExpiringCardError(code: string): boolean {
  return inRange(code, 1281, 1287) || inRange(code, 1290, 1294);
}

/** The regKey no longer exists at LINE Pay: 1190 unknown, 1193 expired. */
export function isRegKeyGone(code: string): boolean {
  return code === "1190" || code === "1193";
}
