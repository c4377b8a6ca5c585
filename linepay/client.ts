/**
 * The LINE Pay client the gateway uses: online (v3/v4), offline (v2 or v4, by
 * `offlineVersion`) and Partner Deposit behind one object. Cheap to build per request: it holds
 * only closures over `options`, and the HMAC key is imported once per isolate (sign.ts).
 */
import { depositApi } from "./deposit";
import { offlineApi } from "./offline";
import { onlineApi } from "./online";
import type { LinePayClientOptions } from "./types";

export function createLinePayClient(options: LinePayClientOptions) {
  const normalized = { ...options, apiBase: options.apiBase.replace(/\/+$/, "") };
  return { ...onlineApi(normalized), ...offlineApi(normalized), ...depositApi(normalized) };
}

export type LinePayClient = ReturnType<typeof createLinePayClient>;
