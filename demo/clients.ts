/** The demo's ways out: the gateway (with caller JWTs it mints itself) and the sandbox's controls. */
import { SignJWT } from "jose";

export interface DemoEnv {
  AUTH_JWT_SECRET: string;
  GATEWAY_URL: string;
  SANDBOX_URL: string;
  /** verifies the gateway's events (npm start hands it the gateway's EVENTS_WEBHOOK_SECRET) */
  EVENTS_WEBHOOK_SECRET?: string;
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

export let cachedToken: { jwt: string; until: number } | undefined;

/** A short-lived caller JWT, as the gateway's contract asks: HS256, aud, exp, scope. */
export async function callerToken(env: DemoEnv): Promise<string> {
  if (cachedToken && cachedToken.until > Date.now()) return cachedToken.jwt;
  const jwt = await new SignJWT({ scope: "payments pos" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience("linepay-gateway")
    .setSubject("demo-shop")
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(env.AUTH_JWT_SECRET));
  cachedToken = { jwt, until: Date.now() + 8 * 60_000 };
  return jwt;
}

export async function gateway<T>(
  env: DemoEnv,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const res = await fetch(new URL(path, env.GATEWAY_URL), {
    method,
    headers: {
      Authorization: `Bearer ${await callerToken(env)}`,
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
