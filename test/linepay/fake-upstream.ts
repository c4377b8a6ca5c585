/**
 * Tiny fake LINE Pay upstreams for the client's own tests, passed as `options.fetch`. They
 * record every request exactly as sent (method, path, query, headers, body text) and answer
 * with whatever the test's handler returns. Independent of sandbox/ on purpose.
 */
import { expect } from "vitest";
import type { LinePayClientOptions } from "../../linepay/types";

export interface Captured {
  method: string;
  url: URL;
  path: string;
  /** the query string as sent, without "?" */
  query: string;
  headers: Headers;
  /** the body text as sent; "" when there was none */
  body: string;
  hadBody: boolean;
  signal: AbortSignal | undefined;
  redirect: RequestInit["redirect"];
}

export type Handler = (req: Captured) => Response | Promise<Response>;

export function fakeUpstream(handler: Handler = () => envelope("0000", {})) {
  const calls: Captured[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const captured: Captured = {
      method: request.method,
      url,
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      headers: request.headers,
      hadBody: request.body !== null,
      body: await request.text(),
      signal: init?.signal ?? undefined,
      redirect: init?.redirect,
    };
    calls.push(captured);
    return handler(captured);
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}

/** LINE Pay's envelope, with `info` spliced in as raw JSON text when given as a string. */
export function envelope(returnCode: string, info?: unknown, status = 200): Response {
  const infoText = info === undefined ? "" : `,"info":${typeof info === "string" ? info : JSON.stringify(info)}`;
  return new Response(`{"returnCode":"${returnCode}","returnMessage":"message for ${returnCode}"${infoText}}`, {
    status,
    headers: { "content-type": "application/json" },
  });
}

export const SECRET = "0123456789abcdef0123456789abcdef";

export function testOptions(overrides: Partial<LinePayClientOptions> = {}): LinePayClientOptions {
  return {
    apiBase: "https://api.linepay.test",
    channelId: "1234567890",
    channelSecret: SECRET,
    deviceType: "POS",
    posTimeoutMs: 45_000,
    onlineVersion: "v3",
    ...overrides,
  };
}

/** An HMAC computed here, not with linepay/sign.ts, so a shared mistake cannot hide. */
export async function expectedSignature(secret: string, path: string, x: string, nonce: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(secret + path + x + nonce)));
  return btoa(String.fromCharCode(...mac));
}

export const TX = "2026112300000000001";

/** The v3 headers are there and the signature holds over exactly what was captured on the wire. */
export async function expectSignedAsSent(req: Captured): Promise<void> {
  const nonce = req.headers.get("X-LINE-Authorization-Nonce")!;
  const x = req.method === "GET" ? req.query : req.body;
  expect(req.headers.get("X-LINE-ChannelId")).toBe("1234567890");
  expect(req.headers.get("Content-Type")).toBe("application/json");
  expect(req.headers.get("X-LINE-Authorization")).toBe(await expectedSignature(SECRET, req.path, x, nonce));
  expect(req.headers.has("X-LINE-ChannelSecret")).toBe(false);
}
