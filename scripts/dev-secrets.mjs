// Local development secrets for `npm start`: made with fresh random values, never committed.
// A missing .dev.vars is written whole; an existing one keeps every line it has, and any secret
// it lacks (or leaves empty) is appended, newly made. A value that is there but unusable stops
// `npm start` with one line naming the setting (never its value), since silently replacing a
// secret someone set on purpose would be worse.
import { randomBytes, randomInt } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export class DevVarsError extends Error {}

const base64url = (bytes) => randomBytes(bytes).toString("base64url");

/** A keyring secret (REGKEY_KEYS, MERCHANT_KEYS): one kid, a fresh 32-byte key. */
function keyring() {
  return {
    make: () => JSON.stringify({ active: "k1", keys: { k1: base64url(32) } }),
    usable: (v) => {
      let parsed;
      try {
        parsed = JSON.parse(v);
      } catch {
        return "is not valid JSON";
      }
      const key = parsed?.keys?.[parsed?.active];
      return (
        (typeof key === "string" && Buffer.from(key, "base64url").length === 32) ||
        'must look like {"active":"k1","keys":{"k1":"<base64url of 32 bytes>"}}'
      );
    },
  };
}

/** Each secret the gateway needs locally: how to make one, and what a usable one looks like. */
export const DEV_SECRETS = {
  LINEPAY_CHANNEL_ID: {
    make: () => String(randomInt(1_000_000_000, 2_000_000_000)),
    usable: (v) => /^\d{10}$/.test(v) || "must be 10 digits",
  },
  LINEPAY_CHANNEL_SECRET: {
    make: () => randomBytes(16).toString("hex"),
    usable: (v) => v.length >= 16 || "must be at least 16 characters",
  },
  AUTH_JWT_SECRET: {
    make: () => base64url(32),
    usable: (v) => v.length >= 32 || "must be at least 32 characters (an HS256 key)",
  },
  REGKEY_KEYS: keyring(),
  DEPOSIT_WEBHOOK_SECRET: {
    make: () => `whsec_${randomBytes(32).toString("base64")}`,
    usable: (v) => v.split(/\s+/).every((s) => /^whsec_[A-Za-z0-9+/]+=*$/.test(s)) || "must be whsec_<base64>",
  },
  // Signs the gateway's events to the demo shop's receiver (npm start hands it to both).
  EVENTS_WEBHOOK_SECRET: {
    make: () => `whsec_${randomBytes(32).toString("base64")}`,
    usable: (v) =>
      (/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v.slice(6), "base64").length >= 16) ||
      "must be whsec_<base64 of at least 16 bytes>",
  },
  // Seals the secrets of merchants registered with PUT /v1/merchants/{merchantId}.
  MERCHANT_KEYS: keyring(),
};

/** A fresh set of every secret of DEV_SECRETS, for a run of its own (the bench, the crash test). */
export function freshDevSecrets() {
  return Object.fromEntries(Object.entries(DEV_SECRETS).map(([name, secret]) => [name, secret.make()]));
}

/**
 * Makes sure `path` holds every secret of DEV_SECRETS; returns them and the names it added.
 * Throws DevVarsError (one line, no value in it) when the file cannot be used.
 * @param {string} path
 * @returns {{ vars: Record<string, string>, added: string[] }}
 */
export function ensureDevVars(path = ".dev.vars") {
  const exists = existsSync(path);
  let text = "";
  if (exists) {
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new DevVarsError(`cannot read ${path} (${error.code ?? error.message})`);
    }
  }
  const vars = parseDevVars(text);
  const added = [];
  for (const [name, secret] of Object.entries(DEV_SECRETS)) {
    const value = vars[name];
    if (value === undefined || value === "") {
      vars[name] = secret.make();
      added.push(name);
      continue;
    }
    const verdict = secret.usable(value);
    if (verdict !== true) {
      throw new DevVarsError(`${path}: ${name} ${verdict}; fix it, or delete its line and npm start makes a fresh one`);
    }
  }
  if (added.length > 0) {
    try {
      if (!exists) {
        const header = "# Written by `npm start` with fresh random values. Local only: never commit this file.";
        writeFileSync(path, [header, ...added.map((name) => `${name}=${vars[name]}`)].join("\n") + "\n", {
          mode: 0o600,
        });
      } else {
        // An empty `NAME=` line gets its value where it stands; a missing name goes at the end.
        const filled = new Set();
        const lines = text.split("\n").map((line) => {
          const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:""|'')?\s*$/.exec(line)?.[1];
          if (name === undefined || !added.includes(name) || filled.has(name)) return line;
          filled.add(name);
          return `${name}=${vars[name]}`;
        });
        const appended = added.filter((name) => !filled.has(name));
        if (appended.length > 0) {
          if (lines.at(-1) === "") lines.pop();
          lines.push(`# Added by \`npm start\`: ${appended.join(", ")}`, ...appended.map((n) => `${n}=${vars[n]}`), "");
        }
        writeFileSync(path, lines.join("\n"));
      }
    } catch (error) {
      throw new DevVarsError(`cannot write ${path} (${error.code ?? error.message})`);
    }
  }
  return { vars, added };
}

/**
 * KEY=value lines as wrangler reads them (dotenv): `#` comments, optional quotes around a value.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseDevVars(text) {
  /** @type {Record<string, string>} */
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quoted = /^(["'`])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    vars[m[1]] = value;
  }
  return vars;
}
