/**
 * Money arithmetic in minor units. THB and USD carry two decimals; adding them as floats
 * drifts (0.1 + 0.2), so every sum and difference goes through integers of cents.
 */

const toCents = (amount: number): number => Math.round(amount * 100);
const fromCents = (cents: number): number => cents / 100;

export function addMoney(a: number, b: number): number {
  return fromCents(toCents(a) + toCents(b));
}

export function subtractMoney(a: number, b: number): number {
  return fromCents(toCents(a) - toCents(b));
}

export function sameMoney(a: number, b: number): boolean {
  return toCents(a) === toCents(b);
}

export function sumMoney(amounts: number[]): number {
  return fromCents(amounts.reduce((total, amount) => total + toCents(amount), 0));
}
