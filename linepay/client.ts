/**
 * The LINE Pay client the gateway uses: online (v3/v4), offline (v2) and Partner Deposit
 * behind one object. Cheap to build (keys are cached per isolate in sign.ts).
 */
import { depositApi } from "./deposit";
import { offlineApi } from "./offline";
import { onlineApi } from "./online";
import type { LinePayClientOptions } from "./types";

export function createLinePayClient(options: LinePayClientOptions) {
  return { ...onlineApi(options), ...offlineApi(options), ...depositApi(options) };
}

export type LinePayClient = ReturnType<typeof createLinePayClient>;
