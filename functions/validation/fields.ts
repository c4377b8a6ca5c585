/**
 * Field schemas shared by the request bodies and path parameters (valibot). Lengths follow
 * LINE Pay's limits (LINEPAY.md) where it has them, and the contract's where it is stricter.
 */
import * as v from "valibot";
import {
  AMOUNT_MAX,
  CURRENCIES,
  CURRENCY_DECIMALS,
  MAX_DECIMALS,
  fitsCurrency,
  hasAtMostDecimals,
} from "../../model/money";
import { TOKEN_PATTERN } from "../../model/regkey-token";

/** CONTRACT.md: ids are printable ASCII (0x20-0x7E). Spaces are allowed; a path carries them as %20. */
export const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

export const text = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
export const printable = (max: number) =>
  v.pipe(v.string(), v.minLength(1), v.maxLength(max), v.regex(PRINTABLE_ASCII, "must be printable ASCII"));

export const HttpUrlSchema = v.pipe(
  v.string(),
  v.maxLength(2048),
  v.url("must be an absolute URL"),
  v.regex(/^https?:\/\//i, "must be an http(s) URL"),
);

export const OrderIdSchema = printable(100);
export const DepositIdSchema = printable(100);
export const IdempotencyKeySchema = printable(255);
export const RegKeyTokenSchema = v.pipe(v.string(), v.regex(TOKEN_PATTERN, "not a regKey token"));

export const CurrencySchema = v.picklist(CURRENCIES, `must be one of ${CURRENCIES.join(", ")}`);

/** Any money amount; the per-currency decimals are checked where the currency is known. */
export const AmountSchema = v.pipe(
  v.number("must be a number"),
  v.finite("must be a finite number"),
  v.gtValue(0, "must be positive"),
  v.maxValue(AMOUNT_MAX, `must be at most ${AMOUNT_MAX}`),
  v.check((x) => hasAtMostDecimals(x, MAX_DECIMALS), "at most two decimals"),
);

/** A price or fee: like an amount, but zero is allowed (free items, no fee). */
export const PriceSchema = v.pipe(
  v.number("must be a number"),
  v.finite("must be a finite number"),
  v.minValue(0, "must not be negative"),
  v.maxValue(AMOUNT_MAX, `must be at most ${AMOUNT_MAX}`),
  v.check((x) => hasAtMostDecimals(x, MAX_DECIMALS), "at most two decimals"),
);

export const decimalsMessage = (currency: string) =>
  CURRENCY_DECIMALS[currency as keyof typeof CURRENCY_DECIMALS] === 0
    ? `${currency} amounts are whole numbers`
    : `${currency} amounts have at most two decimals`;

/**
 * Pass-through objects (LINE Pay `options`, `extras`) are not ours to define, but they are
 * ours to bound: a cap on their serialized size keeps one field from carrying the whole body.
 */
export const boundedJson = <T>(maxChars: number) =>
  v.check<T, string>(
    (value) => JSON.stringify(value).length <= maxChars,
    `must serialize to at most ${maxChars} characters`,
  );

type PathKey = string | number;

/** A valibot issue path to `keys` inside `root`, for issues raised by object-level checks. */
export function pathTo(root: unknown, ...keys: PathKey[]): [v.IssuePathItem, ...v.IssuePathItem[]] {
  const items: v.IssuePathItem[] = [];
  let input = root as Record<PathKey, unknown>;
  for (const key of keys) {
    const value = input?.[key];
    items.push(
      typeof key === "number"
        ? { type: "array", origin: "value", input: input as unknown as unknown[], key, value }
        : { type: "object", origin: "value", input: input as Record<string, unknown>, key, value },
    );
    input = value as Record<PathKey, unknown>;
  }
  return items as [v.IssuePathItem, ...v.IssuePathItem[]];
}

/** Checks that the named top-level amounts have no more decimals than the object's `currency` allows. */
export function amountsFitCurrency<T extends { currency: string }>(...keys: (keyof T & string)[]) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    // Field problems first: an amount already refused needs no second message.
    if (!dataset.typed || dataset.issues) return;
    const value = dataset.value;
    for (const key of keys) {
      const amount = value[key];
      if (typeof amount === "number" && !fitsCurrency(amount, value.currency)) {
        addIssue({ message: decimalsMessage(value.currency), path: pathTo(value, key) });
      }
    }
  });
}
