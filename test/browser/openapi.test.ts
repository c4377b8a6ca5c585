/**
 * GET /openapi.json, as the running gateway serves it, is a valid OpenAPI 3.1 document by
 * @readme/openapi-parser (the OpenAPI 3.1 schema plus what it cannot say: path parameters
 * declared and required, unique operationIds, known required properties), and agrees with the
 * project's API reference, docs/api.md: every route it lists with its scopes (none for the
 * service routes), and every problem code with its status. Every operation has an operationId
 * and tags, and every body and answer an example. (`npm run lint:openapi` runs Redocly's linter
 * on the same document.) Runs in Node: the validator compiles schemas with `new Function`, which
 * workerd forbids.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileErrors, dereference, validate } from "@readme/openapi-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { stack } from "./helpers";
import { ROOT } from "./stack";

// Test assertions pick the document apart freely.
type Doc = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const reference = () => readFileSync(join(ROOT, "docs", "api.md"), "utf8");

/** `METHOD /path` in the reference's tables and text, with the scope column where there is one. */
function contractRoutes(text: string): Map<string, string | undefined> {
  const routes = new Map<string, string | undefined>();
  for (const m of text.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`(?: *\| *([^|]+?) *\|)?/g)) {
    const key = `${m[1]!.toLowerCase()} ${m[2]}`;
    if (!routes.has(key) || m[3]) routes.set(key, m[3]?.trim());
  }
  return routes;
}

/** The Errors table: `code` | status. */
function contractProblems(text: string): Map<string, string> {
  const problems = new Map<string, string>();
  for (const m of text.matchAll(/^\| *`([a-z_]+)` *\| *(\d{3}) *\|/gm)) problems.set(m[1]!, m[2]!);
  return problems;
}

let doc: Doc;
/** the document with every `$ref` (shared answers, components) resolved in place */
let resolved: Doc;

beforeAll(async () => {
  const res = await fetch(`${stack().gateway}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toContain("application/json");
  doc = await res.json();
  resolved = await dereference(structuredClone(doc));
});

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc));
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it("is checked by a validator that would catch a broken document", async () => {
    const broken = structuredClone(doc);
    broken.paths["/v1/payments/{orderId}"].get.parameters = [];
    delete broken.paths["/v1/payments"].post.responses;
    const result = await validate(broken);
    expect(result.valid).toBe(false);
  });

  it("documents every route of docs/api.md, with its scopes", () => {
    const routes = contractRoutes(reference());
    expect(routes.size).toBeGreaterThanOrEqual(15);
    for (const [route, scope] of routes) {
      const [method, path] = route.split(" ") as [string, string];
      const operation = doc.paths[path]?.[method];
      expect(operation, `${route} is missing from /openapi.json`).toBeDefined();
      expect(scope, `${route} has no scope column in docs/api.md`).toBeDefined();
      if (scope === "none") {
        expect(operation.security, route).toEqual([]);
      } else if (scope === "webhook signature") {
        expect(operation.security, route).toEqual([{ webhookSignature: [] }]);
      } else {
        const scopes = String(scope)
          .split(" or ")
          .map((s) => s.trim());
        expect(operation.security, route).toEqual([{ bearer: scopes }]);
      }
    }
    // and nothing the reference does not name
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual([...routes.keys()].sort());
  });

  it("documents every problem code of docs/api.md as problem+json under its status", () => {
    const problems = contractProblems(reference());
    expect(problems.size).toBeGreaterThanOrEqual(11);
    const codes: string[] = doc.components.schemas.Problem.properties.code.enum;
    for (const [code, status] of problems) {
      expect(codes, code).toContain(code);
      const answered = Object.entries(resolved.paths).some(([path, item]) =>
        Object.values(item as Record<string, Doc>).some((operation) => {
          const response = operation.responses?.[status];
          return (
            path.startsWith("/v1/") &&
            response?.content?.["application/problem+json"] !== undefined &&
            String(response.description).includes(code)
          );
        }),
      );
      expect(answered, `no route documents ${code} as a ${status} problem`).toBe(true);
    }
  });

  it("names, tags and serves every operation", () => {
    expect(doc.servers?.length, "servers").toBeGreaterThan(0);
    const ids = new Set<string>();
    const tags = new Set((doc.tags as { name: string }[]).map((t) => t.name));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, Doc>)) {
        const where = `${method} ${path}`;
        expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        ids.add(operation.operationId);
        expect(operation.tags?.length, where).toBeGreaterThan(0);
        for (const tag of operation.tags) expect(tags, `${where}: tag ${tag} is not declared`).toContain(tag);
      }
    }
    expect(ids.size).toBe(operations().length);
  });

  it("has an example for every request body and every answer", () => {
    for (const { where, operation } of operations()) {
      const contents = [
        ...Object.entries(operation.requestBody?.content ?? {}).map(([type, media]) => [`body ${type}`, media]),
        ...Object.entries(operation.responses as Record<string, Doc>).flatMap(([status, response]) =>
          Object.entries(response.content ?? {}).map(([type, media]) => [`${status} ${type}`, media]),
        ),
      ] as [string, Doc][];
      expect(contents.length, where).toBeGreaterThan(0);
      for (const [what, media] of contents) {
        const examples = media.example !== undefined ? [media.example] : Object.values(media.examples ?? {});
        expect(examples.length, `${where}: ${what} has no example`).toBeGreaterThan(0);
      }
    }
  });
});

function operations(): { where: string; operation: Doc }[] {
  return Object.entries(resolved.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Doc>).map(([method, operation]) => ({
      where: `${method} ${path}`,
      operation,
    })),
  );
}
