/**
 * scripts/dev-secrets.mjs, as `npm start` uses it on a developer's .dev.vars: a missing file is
 * written whole, a partial one completed without losing a line, and an unusable value stops
 * `npm start` with one line that names the setting and never shows the value.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEV_SECRETS, DevVarsError, ensureDevVars, parseDevVars } from "../../scripts/dev-secrets.mjs";

const NAMES = Object.keys(DEV_SECRETS);
let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "linepay-devvars-"));
  path = join(dir, ".dev.vars");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("ensureDevVars", () => {
  it("writes every secret, usable and private, when there is no .dev.vars", () => {
    const { vars, added } = ensureDevVars(path);
    expect(added).toEqual(NAMES);
    const text = readFileSync(path, "utf8");
    expect(parseDevVars(text)).toEqual(vars);
    for (const name of NAMES) {
      expect(DEV_SECRETS[name as keyof typeof DEV_SECRETS].usable(vars[name]!), name).toBe(true);
    }
    expect(text).not.toContain("undefined");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // Run again: nothing to add, nothing changed.
    expect(ensureDevVars(path).added).toEqual([]);
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("completes a partial .dev.vars: every line kept, empty ones filled in place, missing ones appended", () => {
    const before = [
      "# my own notes",
      "LINEPAY_CHANNEL_ID=1234567890",
      "AUTH_JWT_SECRET=",
      'LINEPAY_CHANNEL_SECRET="0123456789abcdef0123"',
      "SOMETHING_ELSE=kept",
    ].join("\n");
    writeFileSync(path, before);
    const { vars, added } = ensureDevVars(path);
    expect(added).toEqual([
      "AUTH_JWT_SECRET",
      "REGKEY_KEYS",
      "DEPOSIT_WEBHOOK_SECRET",
      "EVENTS_WEBHOOK_SECRET",
      "MERCHANT_KEYS",
    ]);
    const text = readFileSync(path, "utf8");
    const lines = text.split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "# my own notes",
      "LINEPAY_CHANNEL_ID=1234567890",
      `AUTH_JWT_SECRET=${vars.AUTH_JWT_SECRET}`,
      'LINEPAY_CHANNEL_SECRET="0123456789abcdef0123"',
      "SOMETHING_ELSE=kept",
    ]);
    expect(vars.AUTH_JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(vars.LINEPAY_CHANNEL_SECRET).toBe("0123456789abcdef0123");
    expect(text.match(/^AUTH_JWT_SECRET=/gm)).toHaveLength(1);
    expect(parseDevVars(text)).toMatchObject({ REGKEY_KEYS: vars.REGKEY_KEYS, SOMETHING_ELSE: "kept" });
    expect(text).not.toContain("undefined");
  });

  it.each([
    ["REGKEY_KEYS", "{not json", "REGKEY_KEYS is not valid JSON"],
    ["REGKEY_KEYS", '{"active":"k1","keys":{"k1":"c2hvcnQ"}}', "REGKEY_KEYS must look like"],
    ["MERCHANT_KEYS", '{"active":"k2","keys":{}}', "MERCHANT_KEYS must look like"],
    ["DEPOSIT_WEBHOOK_SECRET", "secret-without-prefix", "DEPOSIT_WEBHOOK_SECRET must be whsec_"],
    ["EVENTS_WEBHOOK_SECRET", "whsec_c2hvcnQ=", "EVENTS_WEBHOOK_SECRET must be whsec_<base64 of at least 16 bytes>"],
    ["AUTH_JWT_SECRET", "short-secret", "AUTH_JWT_SECRET must be at least 32 characters"],
    ["LINEPAY_CHANNEL_ID", "undefined", "LINEPAY_CHANNEL_ID must be 10 digits"],
  ])("stops on an unusable %s with one line naming it, never its value, and changes nothing", (name, value, says) => {
    const before = `${name}=${value}\n`;
    writeFileSync(path, before);
    let error: unknown;
    try {
      ensureDevVars(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DevVarsError);
    const message = (error as Error).message;
    expect(message).toContain(says);
    expect(message).not.toContain("\n");
    expect(message).not.toContain(value);
    expect(readFileSync(path, "utf8")).toBe(before);
  });
});
