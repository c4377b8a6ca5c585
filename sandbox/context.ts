import type { Ledger } from "./store";

/** What an emulated LINE Pay operation gets: the parsed request, its channel's ledger and the fault-adjusted facts. */
export interface OpContext {
  /** the ledger of the channel that made the call */
  ledger: Ledger;
  request: Request;
  url: URL;
  /** parsed JSON body (POST), `{}` when empty */
  body: Record<string, unknown>;
  /** the path's version: "v2" or "v4" offline, "v3" or "v4" online, "v1" for deposits */
  version: string;
  /** payAmount fault: charge this instead of the requested amount */
  payAmount?: number;
  now: number;
}

export const isoNow = () => new Date().toISOString();

export const RESERVATION_WINDOW_MS = 20 * 60_000;

export const SUPPORTED_CURRENCIES = ["JPY", "TWD", "THB", "USD"];

export function integerCurrency(currency: string): boolean {
  return currency === "JPY" || currency === "TWD";
}
