/**
 * What the Node tests share: caller JWTs for the stack's gateway, a look at an order through the
 * gateway itself, and Chromium (chromium.ts says which) driven by playwright-core.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { inject } from "vitest";
import { ROOT } from "./stack";

export const stack = () => inject("stack");

export async function callerToken(scope = "payments pos", merchant?: string): Promise<string> {
  return new SignJWT({ scope, ...(merchant ? { merchant } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience("linepay-gateway")
    .setSubject("browser-test")
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(stack().jwtSecret));
}

export interface GatewayOrder {
  orderId: string;
  kind: string;
  state: string;
  amount: number;
  currency: string;
  transactionId?: string;
  payInfo?: { method: string; amount: number }[];
  refundedAmount: number;
  events?: { at: string; operation: string; outcome: string; returnCode?: string; detail?: string }[];
}

/** The order as the gateway itself reports it (GET /v1/payments/{orderId}, with a JWT of `merchant`'s). */
export async function gatewayOrder(orderId: string, merchant?: string): Promise<GatewayOrder> {
  const res = await fetch(`${stack().gateway}/v1/payments/${encodeURIComponent(orderId)}`, {
    headers: { Authorization: `Bearer ${await callerToken(undefined, merchant)}` },
  });
  if (res.status !== 200) throw new Error(`GET /v1/payments/${orderId}: ${res.status} ${await res.text()}`);
  return (await res.json()) as GatewayOrder;
}

export async function sandboxGet<T>(path: string): Promise<T> {
  const res = await fetch(`${stack().sandbox}${path}`);
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status}`);
  return (await res.json()) as T;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile. Missing Chromium is a failure, never a skip. */
export async function launchChromium(): Promise<Browser> {
  const found = inject("chromium");
  if ("error" in found) throw new Error(`the browser tests have no Chromium: ${found.error}`);
  const profile = mkdtempSync(join(tmpdir(), "linepay-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: found.executablePath,
    headless: true,
    viewport: { width: 1100, height: 800 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const ARTIFACTS = join(ROOT, "test-artifacts", "browser");

/** Saves a full-page screenshot to test-artifacts/browser/ (git-ignored) for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
