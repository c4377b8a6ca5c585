/**
 * regKey tokens: what callers hold instead of a LINE Pay regKey. A token is `rk_` + 32 random
 * bytes in base64url; the gateway stores and routes only its SHA-256 (the token id), so a
 * leaked KV listing or object name gives nobody a usable token.
 */

/** Exported so the edge's path schema and OpenAPI document use the same pattern. */
export const TOKEN_PATTERN = /^rk_[A-Za-z0-9_-]{43}$/;

export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `rk_${base64url(bytes)}`;
}

/** The token id: base64url(SHA-256(token)). Names the KV entry and the lane object. */
export async function tokenId(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return base64url(new Uint8Array(digest));
}

function base64url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
