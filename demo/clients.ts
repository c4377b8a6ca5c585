/** The demo's ways out: the gateway (with caller JWTs it mints itself) and the sandbox's controls. */
import { SignJWT } from "jose";

export interface DemoEnv {
  AUTH_JWT_SECRET: string;
  GATEWAY_URL: string;
  SANDBOX_URL: string;
  /** verifies the gateway's events (npm start hands it the gateway's EVENTS_WEBHOOK_SECRET) */
  EVENTS_WEBHOOK_SECRET?: string;
  /** the tea stand's LINE Pay channel at the sandbox (npm start makes it and registers the merchant) */
  TEA_STAND_CHANNEL_ID?: string;
  /** the shop's own record of what each order bought (the gateway keeps amounts, not baskets),
   * and of the events it received */
  BASKETS: KVNamespace;
}

export interface PayInfo {
  method: string;
  amount: number;
}

export interface OrderEvent {
  at: string;
  operation: string;
  outcome: string;
  returnCode?: string;
  detail?: string;
}

export interface Order {
  orderId: string;
  kind: string;
  state: string;
  amount: number;
  currency: string;
  transactionId?: string;
  payInfo?: PayInfo[];
  refundedAmount: number;
  paymentUrl?: { web: string; app: string };
  events?: OrderEvent[];
}

export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  returnCode?: string;
  returnMessage?: string;
  errors?: { path: string; message: string }[];
}

export interface Answer<T> {
  status: number;
  body: T;
  retryAfter: string | null;
}

export const PRODUCT = {
  id: "sencha-100g",
  name: "Shizuoka Sencha, 100 g",
  price: 1200,
  currency: "JPY",
  description:
    "First-flush green tea from the hills of Shizuoka: bright, grassy and a little sweet. Steep at 70 °C for one minute.",
};

/**
 * The two shops on one gateway, as a platform runs them: the sencha shop is the default merchant
 * (LINEPAY_CHANNEL_ID, Offline API v2 for its till); the tea stand is a registered merchant
 * (`tea-stand`, its own channel, Offline API v4), whose calls carry the `merchant` claim. A
 * till order's id says whose it is (`pos-…` or `tea-…`), so every page asks as the right shop.
 */
export interface Shop {
  key: "sencha" | "tea";
  name: string;
  /** the `merchant` claim of its caller tokens; none for the default merchant */
  merchant?: string;
  offlineVersion: "v2" | "v4";
  orderPrefix: string;
}

export const SHOPS: Record<Shop["key"], Shop> = {
  sencha: { key: "sencha", name: "Sencha shop", offlineVersion: "v2", orderPrefix: "pos" },
  tea: { key: "tea", name: "Tea stand", merchant: "tea-stand", offlineVersion: "v4", orderPrefix: "tea" },
};

export const shopOfOrder = (orderId: string): Shop => (orderId.startsWith("tea-") ? SHOPS.tea : SHOPS.sencha);

const cachedTokens = new Map<string, { jwt: string; until: number }>();

/** A short-lived caller JWT, as the gateway's contract asks: HS256, aud, exp, scope (and the shop's merchant). */
export async function callerToken(env: DemoEnv, merchant?: string): Promise<string> {
  const cached = cachedTokens.get(merchant ?? "");
  if (cached && cached.until > Date.now()) return cached.jwt;
  const jwt = await new SignJWT({ scope: "payments pos", ...(merchant ? { merchant } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience("linepay-gateway")
    .setSubject("demo-shop")
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(env.AUTH_JWT_SECRET));
  cachedTokens.set(merchant ?? "", { jwt, until: Date.now() + 8 * 60_000 });
  return jwt;
}

export async function gateway<T>(
  env: DemoEnv,
  method: string,
  path: string,
  body?: unknown,
  { headers = {}, shop = SHOPS.sencha }: { headers?: Record<string, string>; shop?: Shop } = {},
): Promise<Answer<T>> {
  const res = await fetch(new URL(path, env.GATEWAY_URL), {
    method,
    headers: {
      Authorization: `Bearer ${await callerToken(env, shop.merchant)}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { title: "The gateway did not answer JSON", status: res.status, detail: text.slice(0, 300) };
  }
  return { status: res.status, body: parsed as T, retryAfter: res.headers.get("Retry-After") };
}

export async function sandbox<T>(env: DemoEnv, path: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(path, env.SANDBOX_URL), {
    method: "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

export const orderPath = (orderId: string) => `/v1/payments/${encodeURIComponent(orderId)}`;

export function newOrderId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  const suffix = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}-${Date.now().toString(36)}-${suffix}`;
}

export const isProblem = (status: number) => status >= 400;
