/**
 * Sealing regKeys (and the tokens that name them) as compact JWE: `alg: dir`, `enc: A256GCM`,
 * the `kid` of the REGKEY_KEYS key used, and `tid` (the token id) in the protected header. The
 * protected header is GCM's additional data, so a ciphertext copied under another token id
 * fails to open. Algorithms are pinned on decrypt; keys are imported once per isolate.
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from "jose";
import type { RegKeyKeyring } from "../../model/config";
import { GatewayError } from "../../model/problem";

const imported = new Map<Uint8Array, Promise<CryptoKey>>();

function aesKey(bytes: Uint8Array): Promise<CryptoKey> {
  let key = imported.get(bytes);
  if (!key) {
    key = crypto.subtle.importKey("raw", bytes as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
    imported.set(bytes, key);
  }
  return key;
}

export interface SealedRegKey {
  regKey: string;
  orderId: string;
  createdAt: number;
}

export async function seal(keyring: RegKeyKeyring, tid: string, payload: unknown): Promise<string> {
  const key = await aesKey(keyring.keys[keyring.active]!);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: keyring.active, tid })
    .encrypt(key);
}

function headerField(jwe: string, name: "kid" | "tid"): string | undefined {
  try {
    const value = decodeProtectedHeader(jwe)[name];
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

export const kidOf = (jwe: string): string | undefined => headerField(jwe, "kid");

/** The token id a JWE was sealed for; `open` still checks it against the one asked for. */
export const tidOf = (jwe: string): string | undefined => headerField(jwe, "tid");

/** Opens a JWE sealed for `tid`; a clear GatewayError (never a 500) when it cannot. */
export async function open<T>(keyring: RegKeyKeyring, tid: string, jwe: string): Promise<T> {
  const kid = kidOf(jwe);
  const bytes = kid ? keyring.keys[kid] : undefined;
  if (!bytes) {
    throw new GatewayError(
      "invalid_state",
      `this regKey token was sealed under key "${kid ?? "?"}", which REGKEY_KEYS no longer holds; register the customer again`,
    );
  }
  try {
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, await aesKey(bytes), {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    if (protectedHeader.tid !== tid) throw new Error("token id differs");
    return JSON.parse(new TextDecoder().decode(plaintext)) as T;
  } catch {
    throw new GatewayError("not_found", "unknown regKey token");
  }
}
