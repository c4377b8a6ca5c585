/**
 * valibot issues → the `errors` list of a 400 problem. Paths read like the JSON they point
 * into (`packages[0].products[1].price`); an empty path is the body itself. Messages say what
 * was expected and never repeat the value received: bodies carry one-time keys and LINE Pay
 * numbers that must not travel back into logs or error trackers.
 */
import * as v from "valibot";
import type { FieldProblem } from "../../model/problem";

/** More than this many field problems helps nobody and lets a hostile body inflate the answer. */
const MAX_PROBLEMS = 20;

export function issuePath(issue: v.BaseIssue<unknown>): string {
  let path = "";
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === "number") path += `[${key}]`;
    else if (typeof key === "string")
      path += /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? "." : "") + key : `[${JSON.stringify(key)}]`;
  }
  return path;
}

/**
 * The fallback message for issues whose schema gave none (valibot's default echoes the input).
 * Passed as the parse config's `message`, so explicit messages on schemas still win.
 */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  if (issue.type === "strict_object" && issue.expected === "never") return "unknown field";
  if (issue.kind === "schema")
    return issue.received === "undefined" ? "required" : `expected ${issue.expected ?? issue.type}`;
  switch (issue.type) {
    case "min_length":
    case "max_length":
    case "length":
      return `length must be ${issue.expected}`;
    case "min_value":
    case "max_value":
    case "gt_value":
    case "lt_value":
      return `must be ${issue.expected}`;
    case "integer":
      return "must be an integer";
    case "finite":
      return "must be a finite number";
    case "url":
      return "must be a URL";
    default:
      return `invalid ${issue.type.replaceAll("_", " ")}`;
  }
}

export const PARSE_CONFIG: v.Config<v.BaseIssue<unknown>> = { message: describeIssue };

export function fieldProblems(issues: readonly v.BaseIssue<unknown>[]): FieldProblem[] {
  return issues.slice(0, MAX_PROBLEMS).map((issue) => ({ path: issuePath(issue), message: issue.message }));
}
