// `npm start`: the LINE Pay sandbox on :8788 and the gateway on :8787 pointing at it, with
// local secrets from .dev.vars (made on first run). Ctrl-C stops both.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { SignJWT } from "jose";
import { ensureDevVars } from "./dev-secrets.mjs";

const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 8787);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8788);
const vars = ensureDevVars();

// The sandbox gets only the channel it accepts, nothing else of the gateway's secrets
// (wrangler dev reads the .dev.vars beside each config; both are git-ignored).
writeFileSync(
  "sandbox/.dev.vars",
  `LINEPAY_CHANNEL_ID=${vars.LINEPAY_CHANNEL_ID}\nLINEPAY_CHANNEL_SECRET=${vars.LINEPAY_CHANNEL_SECRET}\n`,
  { mode: 0o600 },
);

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
  ".wrangler/state-sandbox",
  // Two `wrangler dev` processes side by side need their own inspector ports.
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
  "--var",
  `LINEPAY_API_BASE:http://127.0.0.1:${SANDBOX_PORT}`,
  "--inspector-port",
  String(GATEWAY_PORT + 1000),
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
setTimeout(() => {
  console.log(`
────────────────────────────────────────────────────────────────────────
 LINE Pay gateway  ${gw}      (OpenAPI: ${gw}/openapi.json)
 LINE Pay sandbox  ${sb}      (controls: ${sb}/)

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
