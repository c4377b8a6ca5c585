// `npm start`: the LINE Pay sandbox on :8788, the gateway on :8787 pointing at it, and the demo
// shop on :8789 calling the gateway, with local secrets from .dev.vars (made on first run).
// Ctrl-C stops all three. GATEWAY_PORT, SANDBOX_PORT, DEMO_PORT and DEV_STATE_DIR (where
// local state persists, `.wrangler` by default) let a test run a second stack beside it.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { SignJWT } from "jose";
import { ensureDevVars } from "./dev-secrets.mjs";

const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 8787);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8788);
const DEMO_PORT = Number(process.env.DEMO_PORT ?? 8789);
const STATE_DIR = process.env.DEV_STATE_DIR ?? ".wrangler";
const vars = ensureDevVars();

// The sandbox gets only the channel it accepts, nothing else of the gateway's secrets
// (wrangler dev reads the .dev.vars beside each config; both are git-ignored).
writeFileSync(
  "sandbox/.dev.vars",
  `LINEPAY_CHANNEL_ID=${vars.LINEPAY_CHANNEL_ID}\nLINEPAY_CHANNEL_SECRET=${vars.LINEPAY_CHANNEL_SECRET}\n`,
  { mode: 0o600 },
);
// The demo shop (demo/, local only) calls the gateway as a merchant's server would: it mints its
// own caller JWTs with AUTH_JWT_SECRET and knows no other secret. Its GATEWAY_URL and SANDBOX_URL
// are passed with --var below, so a second stack on other ports (the browser tests) never
// rewrites them under a running one.
writeFileSync("demo/.dev.vars", `AUTH_JWT_SECRET=${vars.AUTH_JWT_SECRET}\n`, { mode: 0o600 });

const children = [];
function run(name, args) {
  const child = spawn("wrangler", args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
  const prefix = (chunk) =>
    chunk
      .toString()
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => `[${name}] ${l}\n`)
      .join("");
  child.stdout.on("data", (c) => process.stdout.write(prefix(c)));
  child.stderr.on("data", (c) => process.stderr.write(prefix(c)));
  child.on("exit", (code) => {
    console.log(`[${name}] exited with ${code}`);
    shutdown(code ?? 1);
  });
  children.push(child);
}

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

run("sandbox", [
  "dev",
  "-c",
  "sandbox/wrangler.toml",
  "--ip",
  "127.0.0.1",
  "--port",
  String(SANDBOX_PORT),
  "--persist-to",
  `${STATE_DIR}/state-sandbox`,
  // Several `wrangler dev` processes side by side need their own inspector ports.
  "--inspector-port",
  String(SANDBOX_PORT + 1000),
  "--show-interactive-dev-session=false",
]);
run("gateway", [
  "dev",
  "--ip",
  "127.0.0.1",
  "--port",
  String(GATEWAY_PORT),
  "--persist-to",
  `${STATE_DIR}/state`,
  "--var",
  `LINEPAY_API_BASE:http://127.0.0.1:${SANDBOX_PORT}`,
  "--inspector-port",
  String(GATEWAY_PORT + 1000),
  "--show-interactive-dev-session=false",
]);
run("demo", [
  "dev",
  "-c",
  "demo/wrangler.toml",
  "--ip",
  "127.0.0.1",
  "--port",
  String(DEMO_PORT),
  "--var",
  `GATEWAY_URL:http://127.0.0.1:${GATEWAY_PORT}`,
  "--var",
  `SANDBOX_URL:http://127.0.0.1:${SANDBOX_PORT}`,
  "--persist-to",
  `${STATE_DIR}/state-demo`,
  "--inspector-port",
  String(DEMO_PORT + 1000),
  "--show-interactive-dev-session=false",
]);

const token = await new SignJWT({ scope: "payments pos deposits" })
  .setProtectedHeader({ alg: "HS256" })
  .setAudience("linepay-gateway")
  .setSubject("local-dev")
  .setIssuedAt()
  .setExpirationTime("12h")
  .sign(new TextEncoder().encode(vars.AUTH_JWT_SECRET));

const gw = `http://127.0.0.1:${GATEWAY_PORT}`;
// Orders persist in .wrangler/state between runs: each run suggests fresh orderIds.
const run_ = Date.now().toString(36);
const sb = `http://127.0.0.1:${SANDBOX_PORT}`;
const demo = `http://127.0.0.1:${DEMO_PORT}`;
setTimeout(() => {
  console.log(`
────────────────────────────────────────────────────────────────────────
 LINE Pay gateway  ${gw}      (OpenAPI: ${gw}/openapi.json)
 LINE Pay sandbox  ${sb}      (controls: ${sb}/)
 Demo shop         ${demo}      (POS: ${demo}/pos, order timelines: ${demo}/orders)

 A dev token (12 h, scopes payments pos deposits):
   export TOKEN=${token}

 Try an online payment:
   curl -s ${gw}/v1/payments -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
     -d '{"amount":1000,"currency":"JPY","orderId":"demo-${run_}","packages":[{"id":"p1","amount":1000,"products":[{"name":"Tea","quantity":1,"price":1000}]}],"redirectUrls":{"confirmUrl":"http://127.0.0.1:${GATEWAY_PORT}/healthz","cancelUrl":"http://127.0.0.1:${GATEWAY_PORT}/healthz"}}'
   # open paymentUrl.web in a browser and press Approve (or: curl -X POST ${sb}/__sandbox/reservations/<transactionId>/approve)
   curl -s ${gw}/v1/payments/demo-${run_}/confirm -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"amount":1000,"currency":"JPY"}'
   curl -s ${gw}/v1/payments/demo-${run_} -H "Authorization: Bearer $TOKEN"

 A POS payment with a My Code from the sandbox:
   KEY=$(curl -s -X POST ${sb}/__sandbox/one-time-keys | sed 's/.*"oneTimeKey":"\\([0-9]*\\)".*/\\1/')
   curl -s ${gw}/v1/pos/payments -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
     -d "{\\"productName\\":\\"Coffee\\",\\"amount\\":450,\\"currency\\":\\"JPY\\",\\"orderId\\":\\"pos-${run_}\\",\\"oneTimeKey\\":\\"$KEY\\"}"
────────────────────────────────────────────────────────────────────────
`);
}, 4000);
