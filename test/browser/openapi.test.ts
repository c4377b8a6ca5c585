/**
 * GET /openapi.json, as the running gateway serves it, is a valid OpenAPI 3.1 document by
 * @readme/openapi-parser (the OpenAPI 3.1 schema plus what it cannot say: path parameters
 * declared and required, unique operationIds, known required properties), and covers the
 * contract: every route of CONTRACT.md with its scopes, and every problem code with its status.
 * Runs in Node (the validator compiles schemas with `new Function`, which workerd forbids).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileErrors, validate } from "@readme/openapi-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { stack } from "./helpers";
import { ROOT } from "./stack";

// Test assertions pick the document apart freely.
type Doc = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONTRACT = join(ROOT, "..", "shared", "design", "CONTRACT.md");

function contract(): string {
  try {
    return readFileSync(CONTRACT, "utf8");
  } catch {
    throw new Error(`the contract is not at ${CONTRACT} (shared/ beside the checkout, as CI has it)`);
  }
}

/** `METHOD /path` in the contract's tables and lists, with the scope column where there is one. */
function contractRoutes(text: string): Map<string, string | undefined> {
  const routes = new Map<string, string | undefined>();
  for (const m of text.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`(?: \| ([^|]+) \|)?/g)) {
    const key = `${m[1]!.toLowerCase()} ${m[2]}`;
    if (!routes.has(key) || m[3]) routes.set(key, m[3]?.trim());
  }
  return routes;
}

/** The Errors table: `code` | status. */
function contractProblems(text: string): Map<string, string> {
  const problems = new Map<string, string>();
  for (const m of text.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)) problems.set(m[1]!, m[2]!);
  return problems;
}

let doc: Doc;

beforeAll(async () => {
  const res = await fetch(`${stack().gateway}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toContain("application/json");
  doc = await res.json();
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

  it("documents every route of CONTRACT.md, with its scopes", () => {
    const routes = contractRoutes(contract());
    expect(routes.size).toBeGreaterThanOrEqual(15);
    for (const [route, scope] of routes) {
      const [method, path] = route.split(" ") as [string, string];
      const operation = doc.paths[path]?.[method];
      expect(operation, `${route} is missing from /openapi.json`).toBeDefined();
      if (scope === undefined) continue;
      if (scope === "webhook signature") {
        expect(operation.security, route).toEqual([{ webhookSignature: [] }]);
      } else {
        const scopes = scope.split(" or ").map((s) => s.trim());
        expect(operation.security, route).toEqual([{ bearer: scopes }]);
      }
    }
    // and nothing the contract does not name
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual([...routes.keys()].sort());
  });

  it("documents every problem code of CONTRACT.md as problem+json under its status", () => {
    const problems = contractProblems(contract());
    expect(problems.size).toBeGreaterThanOrEqual(11);
    const codes: string[] = doc.components.schemas.Problem.properties.code.enum;
    for (const [code, status] of problems) {
      expect(codes, code).toContain(code);
      const answered = Object.entries(doc.paths).some(([path, item]) =>
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
});
