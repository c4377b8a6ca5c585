/**
 * Amount precision per currency (CONTRACT.md): integers for JPY and TWD, at most two decimals
 * for THB and USD. Floats cannot hold 0.1 exactly, so "two decimals" means: times 100 is an
 * integer up to rounding noise far below a cent.
 */
export const CURRENCY_DECIMALS = { JPY: 0, TWD: 0, THB: 2, USD: 2 } as const;

export function fitsCurrency(amount: number, currency: string): boolean {
  const decimals = CURRENCY_DECIMALS[currency as keyof typeof CURRENCY_DECIMALS];
  if (decimals === undefined || !Number.isFinite(amount)) return false;
  const scaled = amount * 10 ** decimals;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

export function toMinor(amount: number, currency: string): number {
  return Math.round(amount * 10 ** (CURRENCY_DECIMALS[currency as keyof typeof CURRENCY_DECIMALS] ?? 0));
}
