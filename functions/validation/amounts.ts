/**
 * Amount precision per currency (CONTRACT.md "Orders"): integers for JPY and TWD, at most two
 * decimals for THB and USD.
 *
 * "Decimals" is read from the number's shortest round-trip string (`String(x)`), which for a
 * JSON number with at most 15 significant digits is exactly the literal the caller wrote (less
 * trailing zeros): `19.99` has two decimals, `10.005` three. A float computed as `0.1 + 0.2`
 * (0.30000000000000004) is refused rather than rounded: it is a client bug, and forwarding it
 * to LINE Pay, or silently rounding it, would charge an amount nobody wrote down.
 */
import type { Currency } from "../../model/order";

export const CURRENCY_DECIMALS: Readonly<Record<Currency, number>> = { JPY: 0, TWD: 0, THB: 2, USD: 2 };

/** The largest decimal count any supported currency allows (for fields whose currency is elsewhere). */
export const MAX_DECIMALS = 2;

/** A sanity ceiling far above any real payment; keeps minor units well inside 2^53. */
export const AMOUNT_MAX = 10_000_000_000;

/** How many digits follow the decimal point in `x`'s shortest representation (Infinity if not finite). */
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
  const decimals = CURRENCY_DECIMALS[currency as Currency];
  return decimals !== undefined && hasAtMostDecimals(amount, decimals);
}

/**
 * The amount in minor units (cents, or yen) as a bigint, for exact sums. Only meaningful for
 * amounts that passed `fitsCurrency`: then `amount * 10^d` is within 1e-6 of an integer.
 */
export function toMinor(amount: number, currency: string): bigint {
  return BigInt(Math.round(amount * 10 ** (CURRENCY_DECIMALS[currency as Currency] ?? 0)));
}
