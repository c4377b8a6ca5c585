// `npm run --silent token [-- --scope "<scopes>"] [-- --merchant <merchantId>]`: prints a caller
// JWT for the local gateway, minted from the AUTH_JWT_SECRET in .dev.vars (DEV_VARS to read
// another file): HS256, aud linepay-gateway, 12 h, scopes payments pos deposits unless --scope
// says otherwise (`admin` for the merchant registry), acting for --merchant when given. For
// `export TOKEN=$(npm run --silent token)` after `npm start`.
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { SignJWT } from "jose";
import { parseDevVars } from "./dev-secrets.mjs";

export function devToken(secret, scope = "payments pos deposits", merchant) {
  return new SignJWT({ scope, ...(merchant ? { merchant } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience("linepay-gateway")
    .setSubject("local-dev")
    .setIssuedAt()
    .setExpirationTime("12h")
    .sign(new TextEncoder().encode(secret));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  let options;
  try {
    ({ values: options } = parseArgs({ options: { scope: { type: "string" }, merchant: { type: "string" } } }));
  } catch (error) {
    console.error(`token: ${error.message} (use --scope "<scopes>" and --merchant <merchantId>)`);
    process.exit(1);
  }
  const path = process.env.DEV_VARS ?? ".dev.vars";
  const secret = existsSync(path) ? parseDevVars(readFileSync(path, "utf8")).AUTH_JWT_SECRET : undefined;
  if (!secret) {
    console.error(`token: ${path} has no AUTH_JWT_SECRET; run npm start once, it makes one`);
    process.exit(1);
  }
  console.log(await devToken(secret, options.scope, options.merchant));
}
