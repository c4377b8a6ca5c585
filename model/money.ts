/**
 * Money, once: the currencies the contract accepts, their decimals, and exact arithmetic in
 * integer minor units (yen and NT dollars have none; baht and US dollars two). Amounts cross
 * the API and LINE Pay as decimal numbers; every sum, difference and comparison here goes
 * through minor units, so 0.1 + 0.2 is 0.3 and a JPY amount never grows decimals. Storage keeps
 * minor units as integers (durable-objects/store). Used by validation, operations and storage.
 */

export const CURRENCIES = ["JPY", "TWD", "THB", "USD"] as const;
export type Currency = (typeof CURRENCIES)[number];

export const CURRENCY_DECIMALS: Readonly<Record<Currency, number>> = { JPY: 0, TWD: 0, THB: 2, USD: 2 };

/** The largest decimal count any supported currency allows (for fields whose currency is elsewhere). */
export const MAX_DECIMALS = 2;

/** A sanity ceiling far above any real payment; keeps minor units well inside 2^53. */
export const AMOUNT_MAX = 10_000_000_000;

export interface Money {
  amount: number;
  currency: Currency;
}

/** One line of LINE Pay's `payInfo`: how much of a payment each method paid. */
export interface PayInfoItem {
  method: string;
  amount: number;
  [extra: string]: unknown;
}

export const isCurrency = (currency: string): currency is Currency => currency in CURRENCY_DECIMALS;

/**
 * How many digits follow the decimal point in `x`'s shortest representation (Infinity if not
 * finite). For a JSON number with at most 15 significant digits that is exactly the literal
 * the caller wrote (less trailing zeros): `19.99` has two, `10.005` three, and a float computed
 * as `0.1 + 0.2` (0.30000000000000004) seventeen: a client bug to refuse, never to round.
 */
export function decimalPlaces(x: number): number {
  if (!Number.isFinite(x)) return Infinity;
  const [mantissa = "", exponent = "0"] = String(Math.abs(x)).split("e");
  const fraction = mantissa.split(".")[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

export function hasAtMostDecimals(x: number, decimals: number): boolean {
  return decimalPlaces(x) <= decimals;
}

/** Whether `amount` is written with no more decimals than `currency` allows. */
export function fitsCurrency(amount: number, currency: string): boolean {
  return isCurrency(currency) && hasAtMostDecimals(amount, CURRENCY_DECIMALS[currency]);
}

const scale = (currency: string): number => 10 ** (isCurrency(currency) ? CURRENCY_DECIMALS[currency] : 0);

/**
 * The amount in minor units (cents, or yen) as a bigint, for exact sums of any size (a price
 * times a quantity). Meaningful for amounts that fit their currency: then `amount × 10^d` is
 * within 1e-6 of an integer, and rounding gives exactly the minor units the caller wrote.
 */
export function toMinor(amount: number, currency: string): bigint {
  return BigInt(Math.round(amount * scale(currency)));
}

/** Minor units as a number: exact for every amount the contract accepts (AMOUNT_MAX × 100 < 2^53). */
export const minorUnits = (amount: number, currency: string): number => Math.round(amount * scale(currency));

export const fromMinorUnits = (minor: number, currency: string): number => minor / scale(currency);

export function sumAmounts(amounts: readonly number[], currency: string): number {
  return fromMinorUnits(
    amounts.reduce((total, amount) => total + minorUnits(amount, currency), 0),
    currency,
  );
}

export const addAmounts = (a: number, b: number, currency: string): number => sumAmounts([a, b], currency);

export const subtractAmounts = (a: number, b: number, currency: string): number =>
  fromMinorUnits(minorUnits(a, currency) - minorUnits(b, currency), currency);

export const sameAmount = (a: number, b: number, currency: string): boolean =>
  minorUnits(a, currency) === minorUnits(b, currency);

/** What LINE Pay says was paid: the sum of its payInfo lines. */
export const paidTotal = (payInfo: readonly PayInfoItem[], currency: string): number =>
  sumAmounts(
    payInfo.map((p) => p.amount),
    currency,
  );
