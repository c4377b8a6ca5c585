/**
 * Secrets at rest, sealed as compact JWE (RFC 7516 §7.1) with exactly one pair of algorithms:
 * `alg: dir` (the content key is the keyring's key, so the encrypted-key part is empty) and
 * `enc: A256GCM` (96-bit random IV, 128-bit tag, RFC 7518 §5.3). The protected header names the
 * `kid` it was sealed under and the caller's binding fields (a regKey's token id; a merchant's
 * id and the field): the header is GCM's additional data, so a ciphertext moved to another
 * token, merchant or field fails to open. On open both algorithms are pinned and `crit` or
 * `zip` are refused.
 *
 * Written on WebCrypto rather than with jose's JWE: for this one pair the format is the few lines
 * below, while jose's JWE module (every key-management algorithm it supports) would take 19 KB
 * of the Worker's 150 KiB budget. jose still verifies caller JWTs, and tests pin that jose opens
 * what this seals and the other way round (test/unit/sealed-jwe.test.ts), so entries sealed by
 * earlier versions (with jose) still open. Keys are imported once per isolate.
 */
import type { Keyring } from "../model/config";

/** Header fields a ciphertext is bound to, besides `kid`. */
export type Binding = Readonly<Record<string, string>>;

export type SealFailure = "unknown_kid" | "invalid";

export class SealError extends Error {
  readonly reason: SealFailure;
  /** the kid the JWE names (not secret), when it names one */
  readonly kid?: string;

  constructor(reason: SealFailure, detail: string, kid?: string) {
    super(detail);
    this.name = "SealError";
    this.reason = reason;
    if (kid !== undefined) this.kid = kid;
  }
}

const imported = new Map<Uint8Array, Promise<CryptoKey>>();

function aesKey(bytes: Uint8Array): Promise<CryptoKey> {
  let key = imported.get(bytes);
  if (!key) {
    key = crypto.subtle.importKey("raw", bytes as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
    imported.set(bytes, key);
  }
  return key;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function b64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Header names the format owns; a binding may not set them. */
const RESERVED = new Set(["alg", "enc", "kid", "crit", "zip"]);

const B64URL = /^[A-Za-z0-9_-]*$/;

function fromB64url(text: string): Uint8Array | undefined {
  if (!B64URL.test(text) || text.length % 4 === 1) return undefined;
  const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

/** Seals `payload` (as JSON) under the active key, bound to `binding`. */
export async function sealJwe(keyring: Keyring, binding: Binding, payload: unknown): Promise<string> {
  if (Object.keys(binding).some((name) => RESERVED.has(name))) throw new Error("a binding cannot set alg, enc or kid");
  const header = b64url(
    encoder.encode(JSON.stringify({ alg: "dir", enc: "A256GCM", kid: keyring.active, ...binding })),
  );
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(header), tagLength: 128 },
      await aesKey(keyring.keys[keyring.active]!),
      encoder.encode(JSON.stringify(payload)),
    ),
  );
  const tag = sealed.subarray(sealed.length - 16);
  return `${header}..${b64url(iv)}.${b64url(sealed.subarray(0, sealed.length - 16))}.${b64url(tag)}`;
}

/** The protected header, decoded but not verified (for the kid and the binding); undefined if unreadable. */
export function protectedHeader(jwe: string): Record<string, unknown> | undefined {
  const part = jwe.slice(0, jwe.indexOf("."));
  const bytes = jwe.includes(".") ? fromB64url(part) : undefined;
  if (!bytes) return undefined;
  try {
    const header = JSON.parse(decoder.decode(bytes)) as unknown;
    return typeof header === "object" && header !== null && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A string field of the protected header (`kid`, a binding field), not verified. */
export function headerField(jwe: string, name: string): string | undefined {
  const value = protectedHeader(jwe)?.[name];
  return typeof value === "string" ? value : undefined;
}

export const kidOf = (jwe: string): string | undefined => headerField(jwe, "kid");

/**
 * Opens a JWE sealed by `sealJwe` (or jose with the same algorithms) for `binding`. Throws
 * SealError `unknown_kid` when the keyring no longer holds its kid, `invalid` for anything else
 * (tampered, another binding, another algorithm, not a JWE).
 */
export async function openJwe<T>(keyring: Keyring, binding: Binding, jwe: string): Promise<T> {
  const parts = jwe.split(".");
  const header = protectedHeader(jwe);
  if (parts.length !== 5 || parts[1] !== "" || !header) throw new SealError("invalid", "not a compact dir JWE");
  if (header.alg !== "dir" || header.enc !== "A256GCM" || "crit" in header || "zip" in header) {
    throw new SealError("invalid", "the JWE's algorithms are not dir and A256GCM");
  }
  const kid = typeof header.kid === "string" ? header.kid : undefined;
  const key = kid === undefined ? undefined : keyring.keys[kid];
  if (!key) throw new SealError("unknown_kid", `no key for kid "${kid ?? "?"}"`, kid);
  for (const [name, value] of Object.entries(binding)) {
    if (header[name] !== value) throw new SealError("invalid", `the JWE was sealed for another ${name}`, kid);
  }
  const iv = fromB64url(parts[2]!);
  const ciphertext = fromB64url(parts[3]!);
  const tag = fromB64url(parts[4]!);
  if (!iv || iv.length !== 12 || !ciphertext || !tag || tag.length !== 16) {
    throw new SealError("invalid", "the JWE's IV, ciphertext or tag is malformed", kid);
  }
  const sealed = new Uint8Array(ciphertext.length + 16);
  sealed.set(ciphertext);
  sealed.set(tag, ciphertext.length);
  let plaintext: ArrayBuffer;
  try {
    plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: iv as BufferSource, additionalData: encoder.encode(parts[0]!), tagLength: 128 },
      await aesKey(key),
      sealed,
    );
  } catch {
    throw new SealError("invalid", "the JWE does not decrypt", kid);
  }
  try {
    return JSON.parse(decoder.decode(plaintext)) as T;
  } catch {
    throw new SealError("invalid", "the JWE's payload is not JSON", kid);
  }
}
