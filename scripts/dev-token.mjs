// `npm run --silent token`: prints a caller JWT for the local gateway, minted from the
// AUTH_JWT_SECRET in .dev.vars (DEV_VARS to read another file): HS256, aud linepay-gateway, 12 h,
// scopes payments pos deposits. For `export TOKEN=$(npm run --silent token)` after `npm start`.
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { SignJWT } from "jose";
import { parseDevVars } from "./dev-secrets.mjs";

export function devToken(secret, scope = "payments pos deposits") {
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience("linepay-gateway")
    .setSubject("local-dev")
    .setIssuedAt()
    .setExpirationTime("12h")
    .sign(new TextEncoder().encode(secret));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const path = process.env.DEV_VARS ?? ".dev.vars";
  const secret = existsSync(path) ? parseDevVars(readFileSync(path, "utf8")).AUTH_JWT_SECRET : undefined;
  if (!secret) {
    console.error(`token: ${path} has no AUTH_JWT_SECRET; run npm start once, it makes one`);
    process.exit(1);
  }
  console.log(await devToken(secret));
}
