/**
 * Caller authentication (CONTRACT.md "Callers and authentication"): a Bearer JWT verified by
 * jose, HS256 with AUTH_JWT_SECRET or asymmetric keys from AUTH_JWKS_URL. Algorithms are
 * pinned per key source, so an HS256 token can never be checked against a public key (the
 * classic confusion) and `alg: none` never verifies. `exp` is required, `aud` must match, and
 * the `scope` claim (space-separated) must hold one of the route's scopes.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import type { Config } from "../../model/config";
import { GatewayError } from "../../model/problem";

export type Scope = "payments" | "pos" | "deposits";

const MAX_TOKEN_BYTES = 8 * 1024;
const ASYMMETRIC = ["RS256", "PS256", "ES256", "EdDSA"];
/** Clock skew between the caller's issuer and Cloudflare's edge. */
const CLOCK_TOLERANCE_S = 30;

const secretKeys = new Map<string, Uint8Array>();
const jwksSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function secretKey(secret: string): Uint8Array {
  let key = secretKeys.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    secretKeys.set(secret, key);
  }
  return key;
}

function jwks(url: string) {
  let set = jwksSets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 });
    jwksSets.set(url, set);
  }
  return set;
}

const unauthorized = (detail: string) => new GatewayError("unauthorized", detail);

export async function verifyCaller(request: Request, config: Config, scopes: Scope[]): Promise<JWTPayload> {
  const header = request.headers.get("Authorization") ?? "";
  const match = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/.exec(header);
  if (!match) throw unauthorized("a Bearer token is required");
  const token = match[1]!;
  if (token.length > MAX_TOKEN_BYTES) throw unauthorized("the token is too large");

  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized("the token is malformed");
  }
  const options = { audience: config.auth.audience, requiredClaims: ["exp"], clockTolerance: CLOCK_TOLERANCE_S };
  let payload: JWTPayload;
  try {
    if (alg === "HS256" && config.auth.jwtSecret) {
      ({ payload } = await jwtVerify(token, secretKey(config.auth.jwtSecret), { ...options, algorithms: ["HS256"] }));
    } else if (typeof alg === "string" && ASYMMETRIC.includes(alg) && config.auth.jwksUrl) {
      ({ payload } = await jwtVerify(token, jwks(config.auth.jwksUrl), { ...options, algorithms: ASYMMETRIC }));
    } else {
      throw unauthorized("the token's algorithm is not accepted");
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw unauthorized("the token is invalid or expired");
  }
  const granted = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
  if (!scopes.some((s) => granted.includes(s))) {
    throw new GatewayError("forbidden", `this route needs the scope ${scopes.join(" or ")}`);
  }
  return payload;
}
