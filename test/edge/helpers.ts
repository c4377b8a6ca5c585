/**
 * Edge test helpers: caller JWTs minted from this run's AUTH_JWT_SECRET, requests through the
 * real Worker (`exports.default.fetch`), and a trapped environment whose Durable Object
 * bindings record every use, to prove that refused requests never reach an object.
 */
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { router } from "../../functions/router";

export const secretKey = () => new TextEncoder().encode(env.AUTH_JWT_SECRET);

export interface MintOptions {
  scope?: string | null;
  aud?: string;
  exp?: number | string | null;
  key?: Uint8Array;
  claims?: Record<string, unknown>;
}

export async function mint(o: MintOptions = {}): Promise<string> {
  const claims = { ...(o.scope === null ? {} : { scope: o.scope ?? "payments pos deposits" }), ...o.claims };
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience(o.aud ?? "linepay-gateway");
  if (o.exp !== null) jwt = jwt.setExpirationTime(o.exp ?? "5m");
  return jwt.sign(o.key ?? secretKey());
}

export interface Sent {
  method?: string;
  body?: unknown;
  raw?: BodyInit;
  headers?: Record<string, string>;
  /** a scope string to mint a token for, or false for no Authorization header */
  auth?: string | false;
}

export async function request(path: string, s: Sent = {}): Promise<Request> {
  const headers: Record<string, string> = { ...s.headers };
  if (s.auth !== false && headers.Authorization === undefined) {
    headers.Authorization = `Bearer ${await mint({ scope: s.auth ?? "payments pos deposits" })}`;
  }
  let body = s.raw;
  if (s.body !== undefined) {
    body = JSON.stringify(s.body);
    headers["Content-Type"] ??= "application/json";
  }
  return new Request(`https://gateway.test${path}`, { method: s.method ?? (body ? "POST" : "GET"), headers, body });
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // Test assertions pick bodies apart freely.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function read(res: Response): Promise<Answer> {
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
export async function send(path: string, s: Sent = {}): Promise<Answer> {
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

// Valid bodies for each route, to be broken one field at a time.
export type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function reserve(amount = 1000, currency = "JPY", extra: Body = {}): Body {
  return {
    amount,
    currency,
    orderId: `order-${crypto.randomUUID()}`,
    packages: [{ id: "pkg-1", amount, name: "Shop", products: [{ name: "Green tea", quantity: 1, price: amount }] }],
    redirectUrls: { confirmUrl: "https://shop.example/confirm", cancelUrl: "https://shop.example/cancel" },
    ...extra,
  };
}

export const pos = (extra: Body = {}): Body => ({
  productName: "Coffee",
  amount: 450,
  currency: "JPY",
  orderId: `pos-${crypto.randomUUID()}`,
  oneTimeKey: "123456789012",
  ...extra,
});

export const deposit = (extra: Body = {}): Body => ({
  depositId: `dep-${crypto.randomUUID()}`,
  linePayNumber: "01234567890",
  amount: 1000,
  currency: "JPY",
  ...extra,
});

/** Well-formed, never issued. */
export const TOKEN = `rk_${"A".repeat(43)}`;
