/**
 * Calling the gateway from tests: the real Worker's fetch (`exports.default`), with caller
 * JWTs minted from the secret vitest.config.ts generated for this run.
 */
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";

export async function token(scope = "payments pos deposits", claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ scope, ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(env.AUTH_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(env.AUTH_JWT_SECRET));
}

export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  scope?: string;
  auth?: boolean;
}

export interface Called {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function call(method: string, path: string, options: CallOptions = {}): Promise<Called> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== false) headers.Authorization ??= `Bearer ${await token(options.scope)}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["Content-Type"] ??= "application/json";
  const res = await exports.default.fetch(new Request(`http://gateway.test${path}`, { method, headers, body }));
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export function uniqueId(prefix = "order"): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

export function reserveBody(orderId: string, amount = 1000, currency = "JPY", options: Record<string, unknown> = {}) {
  return {
    amount,
    currency,
    orderId,
    packages: [{ id: "pkg-1", amount, name: "Shop", products: [{ name: "Green tea", quantity: 1, price: amount }] }],
    redirectUrls: { confirmUrl: "https://shop.example/confirm", cancelUrl: "https://shop.example/cancel" },
    ...(Object.keys(options).length ? { options } : {}),
  };
}
