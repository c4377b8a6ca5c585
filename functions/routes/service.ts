/**
 * Service routes: health and the OpenAPI document. No token needed; nothing about orders.
 * Health answers 503 naming each setting that stops the gateway from serving (never a value),
 * so a deploy with a missing secret shows before a payment fails on it. The document is built
 * ahead of time (functions/openapi.ts, `npm run openapi`) and carried compressed; it is
 * unpacked once per isolate, on its first request.
 */
import { version } from "../../package.json";
import { configProblems } from "../../model/config";
import { OPENAPI_GZIP_BASE64 } from "../openapi-packed";
import type { Handler } from "./handler";

const JSON_HEADERS = { "Content-Type": "application/json", "Cache-Control": "no-store" };

export const health: Handler = async (_request, env) => {
  const problems = configProblems(env);
  // A health answer, not an error about a request: plain JSON, also for the 503.
  const body = problems.length === 0 ? { ok: true, version } : { ok: false, problems };
  return new Response(JSON.stringify(body), { status: problems.length === 0 ? 200 : 503, headers: JSON_HEADERS });
};

let documentText: Promise<string> | undefined;

async function unpack(): Promise<string> {
  const bytes = Uint8Array.from(atob(OPENAPI_GZIP_BASE64), (c) => c.charCodeAt(0));
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
}

export const openapi: Handler = async () => {
  // A failed unpack is not kept: the next request tries again.
  documentText ??= unpack().catch((error: unknown) => {
    documentText = undefined;
    throw error;
  });
  return new Response(await documentText, { headers: JSON_HEADERS });
};
