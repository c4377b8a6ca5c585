/**
 * The LINE Pay client the gateway uses: online (v3/v4), offline (v2 or v4, by
 * `offlineVersion`) and Partner Deposit behind one object. Cheap to build per request: it holds
 * only closures over `options`, and the HMAC key is imported once per isolate (sign.ts).
 */
import { depositApi } from "./deposit";
import { offlineApi } from "./offline";
import { offlineV4Api, type OfflineApi } from "./offline-v4";
import { onlineApi } from "./online";
import type { LinePayClientOptions } from "./types";

export function createLinePayClient(options: LinePayClientOptions) {
  const normalized = { ...options, apiBase: options.apiBase.replace(/\/+$/, "") };
  // Both offline modules have one type: the caller's pos* calls do not change with the version.
  const offline: OfflineApi = normalized.offlineVersion === "v4" ? offlineV4Api(normalized) : offlineApi(normalized);
  return { ...onlineApi(normalized), ...offline, ...depositApi(normalized) };
}

export type LinePayClient = ReturnType<typeof createLinePayClient>;
