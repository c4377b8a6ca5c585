/**
 * Caller authentication (CONTRACT.md "Callers and authentication"): `Authorization: Bearer
 * <JWT>` verified by jose against AUTH_JWT_SECRET (HS256) or the JWKS at AUTH_JWKS_URL.
 *
 * - Algorithms are pinned per key source: the secret verifies only HS256, the JWKS only
 *   RS256/PS256/ES256/EdDSA. The token's header picks the source, but the pin decides, so an
 *   HS256 token can never be checked against a public key (the classic alg confusion) and
 *   `alg: none` never verifies.
 * - `exp` is required, `aud` must equal AUTH_AUDIENCE, and the `scope` claim (space-separated,
 *   OAuth style) must hold one of the route's scopes: missing or bad → 401, no scope → 403.
 */
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import type { Config } from "../../model/config";
import { logEdge } from "../log";
import { AuthError } from "./auth-error";

/** `admin` manages merchants (/v1/merchants) and nothing else; the others grant no admin route. */
export type Scope = "payments" | "pos" | "deposits" | "admin";

/** Real tokens are well under 2 KiB; a cap keeps header parsing and HMAC work bounded. */
export const MAX_TOKEN_CHARS = 8 * 1024;
const ASYMMETRIC_ALGS = ["RS256", "PS256", "ES256", "EdDSA"];
/**
 * Seconds of clock skew forgiven on `exp`/`nbf`: the issuer's clock and Cloudflare's may
 * disagree by a few seconds, and a token rejected for being 2 s early is a support ticket. Kept
 * small because it extends every token's life by that much.
 */
export const CLOCK_TOLERANCE_S = 30;

export const REALM = 'Bearer realm="linepay-gateway"';

export interface CallerKeys {
  /** HS256 key: the UTF-8 bytes of AUTH_JWT_SECRET, or that key already imported. */
  secret?: CryptoKey | Uint8Array;
  /** Asymmetric keys (a remote JWKS in production, a local one in tests). */
  jwks?: JWTVerifyGetKey;
}

// Per isolate: the HMAC key is imported once (not on every request), and the remote JWKS set
// caches the keys it fetched, so both are kept per secret / URL, as one keys object each (the
// verified-token cache below is per keys object).
const keySets = new Map<string, Promise<CallerKeys>>();

function keysFor(config: Config): Promise<CallerKeys> {
  const { jwtSecret, jwksUrl } = config.auth;
  const id = `${jwtSecret ?? ""}\n${jwksUrl ?? ""}`;
  let keys = keySets.get(id);
  if (!keys) {
    keys = (async () => {
      const made: CallerKeys = {};
      if (jwtSecret) {
        const raw = new TextEncoder().encode(jwtSecret);
        made.secret = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
      }
      if (jwksUrl) {
        made.jwks = createRemoteJWKSet(new URL(jwksUrl), {
          timeoutDuration: 5_000,
          cooldownDuration: 30_000,
          cacheMaxAge: 600_000,
        });
      }
      return made;
    })();
    keySets.set(id, keys);
  }
  return keys;
}

/**
 * Tokens already verified, per isolate and keys object: a POS backend or a checkout sends the
 * same token with every request until it expires, and its signature, `aud` and `exp` checks
 * give the same answer each time. A token is trusted from here until its `exp` (with the clock
 * tolerance jose allowed) and for at most VERIFIED_TTL_MS, so that a key taken out of a JWKS
 * stops being honoured as soon as jose's own key cache would. Only tokens that verified are
 * kept (a bad token costs its check every time, as before), and the route's scope is checked on
 * every request.
 */
const verifiedTokens = new WeakMap<CallerKeys, Map<string, { payload: JWTPayload; until: number }>>();
const VERIFIED_TTL_MS = 60_000;
const MAX_VERIFIED = 1_000;

/** Until when a token verified at `now` may be trusted without being verified again. */
export function trustedUntil(payload: JWTPayload, now: number): number {
  const expiresAt = ((payload.exp ?? 0) + CLOCK_TOLERANCE_S) * 1000;
  return Math.min(expiresAt, now + VERIFIED_TTL_MS);
}

/** 401 for a token that is not acceptable, and 403 for one that grants too little: one challenge format. */
export const unauthorized = (detail: string) =>
  new AuthError("unauthorized", detail, `${REALM}, error="invalid_token"`);
export const forbidden = (detail: string, scope?: string) =>
  new AuthError("forbidden", detail, `${REALM}, error="insufficient_scope"${scope ? `, scope="${scope}"` : ""}`);

/** The bearer token of the request, or 401. */
export function bearerToken(request: Request): string {
  const header = request.headers.get("Authorization");
  if (header === null) throw new AuthError("unauthorized", "a Bearer token is required", REALM);
  if (header.length > MAX_TOKEN_CHARS + 16) throw unauthorized("the token is too large");
  const match = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(header);
  if (!match) throw new AuthError("unauthorized", "a Bearer token is required", REALM);
  const token = match[1]!;
  if (token.length > MAX_TOKEN_CHARS) throw unauthorized("the token is too large");
  return token;
}

/** Verifies `token` and checks that it grants one of `scopes`. Exported for tests with local keys. */
export async function verifyCallerToken(
  token: string,
  keys: CallerKeys,
  audience: string,
  scopes: readonly Scope[],
): Promise<JWTPayload> {
  let cache = verifiedTokens.get(keys);
  if (!cache) verifiedTokens.set(keys, (cache = new Map()));
  const cacheKey = `${audience} ${token}`;
  const now = Date.now();
  const hit = cache.get(cacheKey);
  let payload: JWTPayload;
  if (hit && hit.until > now) {
    payload = hit.payload;
  } else {
    cache.delete(cacheKey);
    payload = await verifySignatureAndClaims(token, keys, audience);
    // The oldest entry makes room: the cache is bounded whatever tokens arrive.
    if (cache.size >= MAX_VERIFIED) cache.delete(cache.keys().next().value!);
    cache.set(cacheKey, { payload, until: trustedUntil(payload, now) });
  }
  const granted = typeof payload.scope === "string" ? payload.scope.split(/\s+/) : [];
  if (!scopes.some((s) => granted.includes(s))) {
    const wanted = scopes.join(" or ");
    throw forbidden(`this route needs the scope ${wanted}`, scopes.join(" "));
  }
  return payload;
}

async function verifySignatureAndClaims(token: string, keys: CallerKeys, audience: string): Promise<JWTPayload> {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized("the token is malformed");
  }
  const options = { audience, requiredClaims: ["exp"], clockTolerance: CLOCK_TOLERANCE_S };
  let payload: JWTPayload;
  if (alg === "HS256" && keys.secret) {
    ({ payload } = await jwtVerify(token, keys.secret, { ...options, algorithms: ["HS256"] }).catch(toAuthError));
  } else if (typeof alg === "string" && ASYMMETRIC_ALGS.includes(alg) && keys.jwks) {
    ({ payload } = await jwtVerify(token, keys.jwks, { ...options, algorithms: ASYMMETRIC_ALGS }).catch(
      (error: unknown) => {
        if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) {
          // The key set could not be fetched: not the caller's fault, but nothing can be verified.
          // jose's own code (ERR_JWKS_TIMEOUT, ...): class names do not survive minification.
          const code = error instanceof joseErrors.JOSEError ? error.code : (error as Error)?.name;
          logEdge({ event: "auth.jwks_unavailable", level: "error", error: code ?? "unknown" });
        }
        return toAuthError(error);
      },
    ));
  } else {
    throw unauthorized("the token's algorithm is not accepted");
  }
  // Shared by every request the token makes from now on: nobody may change it.
  return Object.freeze(payload);
}

/**
 * What a 401 says for each claim jose refuses (`claim:reason`): which check failed, so that a
 * caller can fix its issuer, but never a secret, nor the value the gateway expects or the one the
 * token holds.
 */
const CLAIM_DETAILS: Record<string, string> = {
  "exp:missing": "the token has no exp claim; an expiry is required",
  "exp:invalid": "the token's exp claim is not a number of seconds",
  "aud:missing": "the token has no aud claim; it must name this gateway's audience (AUTH_AUDIENCE)",
  "aud:check_failed": "the token's aud claim does not name this gateway's audience (AUTH_AUDIENCE)",
  "nbf:check_failed": "the token is not yet valid: its nbf is in the future",
  "nbf:invalid": "the token's nbf claim is not a number of seconds",
  "iat:invalid": "the token's iat claim is not a number of seconds",
};

/** Rethrows a jose failure as a 401 whose detail names the failing check, never what the token held. */
function toAuthError(error: unknown): never {
  if (error instanceof joseErrors.JWTExpired) throw unauthorized("the token has expired: its exp is past");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    throw unauthorized(
      CLAIM_DETAILS[`${error.claim}:${error.reason}`] ?? `the token's ${error.claim} claim is not accepted`,
    );
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    throw unauthorized("the token's signature does not verify");
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    throw unauthorized("no key of the key set matches the token's kid and algorithm");
  }
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    throw unauthorized("several keys of the key set match the token: give it a kid");
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) throw unauthorized("the token's algorithm is not accepted");
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) {
    throw unauthorized("the token is malformed");
  }
  if (
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    !(error instanceof joseErrors.JOSEError)
  ) {
    throw unauthorized("the key set could not be fetched or read, so the token could not be verified");
  }
  throw unauthorized("the token is invalid");
}

/** Authenticates the caller of a route that accepts any of `scopes`; returns the token's claims. */
export async function requireScope(
  request: Request,
  config: Config,
  scopes: Scope | readonly Scope[],
): Promise<JWTPayload> {
  const token = bearerToken(request);
  return verifyCallerToken(
    token,
    await keysFor(config),
    config.auth.audience,
    typeof scopes === "string" ? [scopes] : scopes,
  );
}
