/**
 * Reading and validating request bodies: a size cap checked before and while reading, JSON
 * parsing, then a schema. Every failure is a 400 problem with field errors; nothing reaches a
 * Durable Object or LINE Pay.
 */
import * as v from "valibot";
import { GatewayError, type FieldProblem } from "../../model/problem";

export const MAX_BODY_BYTES = 64 * 1024;

export async function readText(request: Request): Promise<string> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new GatewayError("invalid_request", `the body exceeds ${MAX_BODY_BYTES} bytes`);
  const text = await request.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES)
    throw new GatewayError("invalid_request", `the body exceeds ${MAX_BODY_BYTES} bytes`);
  return text;
}

export function parseJson(text: string, allowEmpty = false): unknown {
  if (text.trim() === "") {
    if (allowEmpty) return {};
    throw new GatewayError("invalid_request", "a JSON body is required");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError("invalid_request", "the body is not valid JSON");
  }
}

export function validate<S extends v.GenericSchema>(schema: S, input: unknown, what = "body"): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const errors: FieldProblem[] = result.issues.slice(0, 20).map((issue) => ({
    path: v.getDotPath(issue) ?? "",
    message: issue.message,
  }));
  throw new GatewayError("invalid_request", `the ${what} is not valid`, { errors });
}

export async function readBody<S extends v.GenericSchema>(
  request: Request,
  schema: S,
  allowEmpty = false,
): Promise<v.InferOutput<S>> {
  const contentType = request.headers.get("Content-Type") ?? "";
  const text = await readText(request);
  if (text.trim() !== "" && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new GatewayError("invalid_request", "Content-Type must be application/json");
  }
  return validate(schema, parseJson(text, allowEmpty));
}

/** A path parameter, URL-decoded and validated. */
export function pathParam<S extends v.GenericSchema>(
  raw: string | undefined,
  schema: S,
  name: string,
): v.InferOutput<S> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw ?? "");
  } catch {
    throw new GatewayError("invalid_request", `${name} is not valid URL encoding`, {
      errors: [{ path: name, message: "bad percent-encoding" }],
    });
  }
  const result = v.safeParse(schema, decoded);
  if (!result.success)
    throw new GatewayError("invalid_request", `${name} is not valid`, {
      errors: result.issues.map((i) => ({ path: name, message: i.message })),
    });
  return result.output;
}
