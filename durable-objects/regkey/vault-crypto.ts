/**
 * Sealing regKeys (and the tokens that name them) as compact JWE (sealed-jwe.ts): `alg: dir`,
 * `enc: A256GCM`, the `kid` of the REGKEY_KEYS key used, and `tid` (the token id) in the
 * protected header. The protected header is GCM's additional data, so a ciphertext copied under
 * another token id fails to open.
 */
import type { RegKeyKeyring } from "../../model/config";
import { GatewayError } from "../../model/problem";
import { SealError, headerField, openJwe, sealJwe } from "../sealed-jwe";

export { kidOf } from "../sealed-jwe";

export interface SealedRegKey {
  regKey: string;
  orderId: string;
  createdAt: number;
}

export function seal(keyring: RegKeyKeyring, tid: string, payload: unknown): Promise<string> {
  return sealJwe(keyring, { tid }, payload);
}

/** The token id a JWE was sealed for; `open` still checks it against the one asked for. */
export const tidOf = (jwe: string): string | undefined => headerField(jwe, "tid");

/** Opens a JWE sealed for `tid`; a clear GatewayError (never a 500) when it cannot. */
export async function open<T>(keyring: RegKeyKeyring, tid: string, jwe: string): Promise<T> {
  try {
    return await openJwe<T>(keyring, { tid }, jwe);
  } catch (error) {
    if (error instanceof SealError && error.reason === "unknown_kid") {
      throw new GatewayError(
        "invalid_state",
        `this regKey token was sealed under key "${error.kid ?? "?"}", which REGKEY_KEYS no longer holds; register the customer again`,
      );
    }
    throw new GatewayError("not_found", "unknown regKey token");
  }
}
