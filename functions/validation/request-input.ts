/**
 * Reading and validating what a request carries: the body (size-capped while it streams, UTF-8,
 * JSON, then a schema), path parameters (URL-decoded, then a schema) and headers. Every failure
 * is a 400 `invalid_request` with an `errors` list; nothing reaches a Durable Object or LINE Pay.
 * The contract asks for 400, not 413 or 415, for every kind of bad input.
 */
import * as v from "valibot";
import { GatewayError, type FieldProblem } from "../../model/problem";
import { PARSE_CONFIG, fieldProblems } from "./issues";

/** The largest reserve body (50 packages of 100 products) is far below this. */
export const MAX_BODY_BYTES = 64 * 1024;

/** An empty `path` is the body itself. */
export function invalid(detail: string, errors: FieldProblem[]): GatewayError {
  return new GatewayError("invalid_request", detail, { errors });
}

const tooLarge = () => invalid(`the body exceeds ${MAX_BODY_BYTES} bytes`, [{ path: "", message: "too large" }]);

/** Refuses a declared oversized body up front (the router's `before` calls this too). */
export function checkDeclaredLength(request: Request): void {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
}

/**
 * The raw body bytes, never more than the cap. A declared length within the cap is read in one
 * go (the HTTP framing stops the body there); without one the body is streamed and the reading
 * stops as soon as the cap is passed.
 */
export async function readBytes(request: Request): Promise<Uint8Array> {
  checkDeclaredLength(request);
  if (!request.body) return new Uint8Array(0);
  if (request.headers.has("Content-Length")) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
    return bytes;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalid("the body is not valid UTF-8", [{ path: "", message: "not UTF-8" }]);
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid("the body is not valid JSON", [{ path: "", message: "malformed JSON" }]);
  }
}

export function validate<S extends v.GenericSchema>(schema: S, input: unknown, what = "the body"): v.InferOutput<S> {
  const result = v.safeParse(schema, input, PARSE_CONFIG);
  if (result.success) return result.output;
  throw invalid(`${what} is not valid`, fieldProblems(result.issues));
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * A JSON body validated by `schema`. `optional` bodies (void, refund) may be empty, which reads
 * as `{}`; a non-empty body must say it is JSON.
 */
export async function readJson<S extends v.GenericSchema>(
  request: Request,
  schema: S,
  { optional = false } = {},
): Promise<v.InferOutput<S>> {
  const text = decodeUtf8(await readBytes(request));
  if (text.trim() === "") {
    if (optional) return validate(schema, {});
    throw invalid("a JSON body is required", [{ path: "", message: "required" }]);
  }
  if (!JSON_TYPE.test(request.headers.get("Content-Type") ?? "")) {
    throw invalid("Content-Type must be application/json", [
      { path: "Content-Type", message: "must be application/json" },
    ]);
  }
  return validate(schema, parseJsonObject(text));
}

/** Every body the gateway takes is a JSON object; arrays and scalars are refused as a whole. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value = parseJson(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid("the body must be a JSON object", [{ path: "", message: "must be a JSON object" }]);
  }
  return value as Record<string, unknown>;
}

/**
 * A path parameter. itty-router matches the raw (percent-encoded) path, so the value is
 * decoded here exactly once; a bad escape is a 400, not a 500.
 */
export function pathParam<S extends v.GenericSchema>(
  schema: S,
  raw: string | undefined,
  name: string,
): v.InferOutput<S> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw ?? "");
  } catch {
    throw invalid(`${name} is not valid percent-encoding`, [{ path: name, message: "bad percent-encoding" }]);
  }
  const result = v.safeParse(schema, decoded, PARSE_CONFIG);
  if (result.success) return result.output;
  throw invalid(
    `${name} is not valid`,
    result.issues.slice(0, 5).map((i) => ({ path: name, message: i.message })),
  );
}

/** A required header, validated by `schema`. */
export function requiredHeader<S extends v.GenericSchema>(request: Request, schema: S, name: string): v.InferOutput<S> {
  const value = request.headers.get(name);
  if (value === null) throw invalid(`the ${name} header is required`, [{ path: name, message: "required" }]);
  const result = v.safeParse(schema, value, PARSE_CONFIG);
  if (result.success) return result.output;
  throw invalid(
    `the ${name} header is not valid`,
    result.issues.slice(0, 5).map((i) => ({ path: name, message: i.message })),
  );
}
