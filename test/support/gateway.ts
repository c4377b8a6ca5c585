/**
 * Calling the gateway from tests: caller JWTs minted from the secret vitest.config.ts generated
 * for this run, and requests through the real Worker's fetch (`exports.default`, real Durable
 * Objects behind it), or through the router with Durable Object bindings that only count their
 * use (`sendTrapped`), to prove that a refused request never reaches an object.
 */
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { router } from "../../functions/router";

export const secretKey = () => new TextEncoder().encode(env.AUTH_JWT_SECRET);

export interface MintOptions {
  /** null: no scope claim at all */
  scope?: string | null;
  aud?: string;
  /** null: no exp claim */
  exp?: number | string | null;
  key?: Uint8Array;
  claims?: Record<string, unknown>;
}

export async function mint(o: MintOptions = {}): Promise<string> {
  const claims = { ...(o.scope === null ? {} : { scope: o.scope ?? "payments pos deposits" }), ...o.claims };
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience(o.aud ?? env.AUTH_AUDIENCE)
    .setIssuedAt();
  if (o.exp !== null) jwt = jwt.setExpirationTime(o.exp ?? "10m");
  return jwt.sign(o.key ?? secretKey());
}

export const token = (scope = "payments pos deposits", claims: Record<string, unknown> = {}) => mint({ scope, claims });

export interface Sent {
  method?: string;
  body?: unknown;
  raw?: BodyInit;
  headers?: Record<string, string>;
  /** a scope string to mint a token for, or false for no Authorization header */
  auth?: string | false;
  /** the minted token's `merchant` claim */
  merchant?: string;
}

export interface Called {
  status: number;
  headers: Headers;
  text: string;
  // Test assertions pick bodies apart freely.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function request(path: string, s: Sent = {}): Promise<Request> {
  const headers: Record<string, string> = { ...s.headers };
  if (s.auth !== false && headers.Authorization === undefined) {
    const claims = s.merchant === undefined ? {} : { merchant: s.merchant };
    headers.Authorization = `Bearer ${await mint({ scope: s.auth ?? "payments pos deposits", claims })}`;
  }
  let body = s.raw;
  if (s.body !== undefined) {
    body = JSON.stringify(s.body);
    headers["Content-Type"] ??= "application/json";
  }
  return new Request(`https://gateway.test${path}`, { method: s.method ?? (body ? "POST" : "GET"), headers, body });
}

async function read(res: Response): Promise<Called> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** Through the deployed Worker's fetch, real Durable Objects behind it. */
export async function send(path: string, s: Sent = {}): Promise<Called> {
  return read(await exports.default.fetch(await request(path, s)));
}

/** Through the router with Durable Object bindings that only count calls. */
export async function sendTrapped(path: string, s: Sent = {}, overrides: Partial<Env> = {}) {
  const touched: string[] = [];
  const trap = (binding: string) => ({
    getByName: (name: string) => {
      touched.push(`${binding}:${name}`);
      return new Proxy({}, { get: () => async () => ({ status: 299, body: { trapped: true } }) });
    },
  });
  const trappedEnv = { ...env, ORDERS: trap("ORDERS"), REGKEY_LANES: trap("REGKEY_LANES"), ...overrides } as Env;
  const res = await router.fetch(await request(path, s), trappedEnv, createExecutionContext());
  return { ...(await read(res)), touched };
}

export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  scope?: string;
  auth?: boolean;
  /** act for this merchant (the token's `merchant` claim) */
  merchant?: string;
}

/** `send` with the method first, as most tests read. */
export function call(method: string, path: string, o: CallOptions = {}): Promise<Called> {
  return send(path, {
    method,
    ...(o.body === undefined ? {} : { body: o.body }),
    ...(o.rawBody === undefined ? {} : { raw: o.rawBody }),
    ...(o.headers ? { headers: o.headers } : {}),
    auth: o.auth === false ? false : (o.scope ?? "payments pos deposits"),
    ...(o.merchant === undefined ? {} : { merchant: o.merchant }),
  });
}

export function uniqueId(prefix = "order"): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

export function reserveBody(
  orderId = uniqueId(),
  amount = 1000,
  currency = "JPY",
  options: Record<string, unknown> = {},
) {
  return {
    amount,
    currency,
    orderId,
    packages: [{ id: "pkg-1", amount, name: "Shop", products: [{ name: "Green tea", quantity: 1, price: amount }] }],
    redirectUrls: { confirmUrl: "https://shop.example/confirm", cancelUrl: "https://shop.example/cancel" },
    ...(Object.keys(options).length ? { options } : {}),
  };
}
