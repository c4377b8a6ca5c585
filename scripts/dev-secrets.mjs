// Local development secrets: made once per checkout with fresh random values, never committed.
import { randomBytes, randomInt } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export function ensureDevVars(path = ".dev.vars") {
  if (!existsSync(path)) {
    const lines = [
      "# Written by `npm start` with fresh random values. Local only: never commit this file.",
      `LINEPAY_CHANNEL_ID=${randomInt(1_000_000_000, 2_000_000_000)}`,
      `LINEPAY_CHANNEL_SECRET=${randomBytes(16).toString("hex")}`,
      `AUTH_JWT_SECRET=${randomBytes(32).toString("base64url")}`,
      `REGKEY_KEYS=${JSON.stringify({ active: "k1", keys: { k1: randomBytes(32).toString("base64url") } })}`,
      `DEPOSIT_WEBHOOK_SECRET=whsec_${randomBytes(32).toString("base64")}`,
    ];
    writeFileSync(path, lines.join("\n") + "\n", { mode: 0o600 });
  }
  return parseDevVars(readFileSync(path, "utf8"));
}

export function parseDevVars(text) {
  const vars = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}
