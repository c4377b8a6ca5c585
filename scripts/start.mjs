// `npm start`: the LINE Pay sandbox on :8788, the gateway on :8787 pointing at it, and the demo
// shop on :8789 calling the gateway, with local secrets from .dev.vars (made, or completed, here).
// Ctrl-C stops all three. Settings from the environment:
//   GATEWAY_PORT, SANDBOX_PORT, DEMO_PORT   ports (8787, 8788, 8789)
//   DEV_STATE_DIR                           where local state persists (`.wrangler`)
//   DEV_VARS                                the gateway's secrets file (`.dev.vars`)
//   LINEPAY_API_BASE                        where the gateway sends LINE Pay calls (the sandbox)
// so that a test can run a second stack beside a developer's own.
//
// Each `wrangler dev` runs under scripts/child-guard.mjs, which ends it (and its workerd) when
// this process ends, however it ends: Ctrl-C, any signal, a crash, or SIGKILL.
import { spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DevVarsError, ensureDevVars } from "./dev-secrets.mjs";
import { devToken } from "./dev-token.mjs";
import { wranglerDevEnv } from "./wrangler-env.mjs";

const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 8787);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8788);
const DEMO_PORT = Number(process.env.DEMO_PORT ?? 8789);
const STATE_DIR = resolve(process.env.DEV_STATE_DIR ?? ".wrangler");
const DEV_VARS = resolve(process.env.DEV_VARS ?? ".dev.vars");
const gw = `http://127.0.0.1:${GATEWAY_PORT}`;
const sb = `http://127.0.0.1:${SANDBOX_PORT}`;
const demo = `http://127.0.0.1:${DEMO_PORT}`;
const API_BASE = process.env.LINEPAY_API_BASE || sb;

/** Stops before anything runs, with one line and no stack trace. */
function stop(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

let vars;
try {
  const ensured = ensureDevVars(DEV_VARS);
  vars = ensured.vars;
  if (ensured.added.length > 0) console.log(`npm start: wrote ${ensured.added.join(", ")} to ${DEV_VARS}`);
} catch (error) {
  stop(error instanceof DevVarsError ? error.message : `cannot prepare ${DEV_VARS}: ${error.message}`);
}

// The sandbox gets only the channels it accepts, the demo only the JWT secret it mints caller
// tokens with and the events secret its receiver (/events) verifies the gateway's events with;
// each reads its own file (`--env-file`), kept with this stack's state, so that a second stack
// never rewrites the files of a running one.
const envFiles = join(STATE_DIR, "env");
/** The demo's second shop: a registered merchant with a channel of its own (made once per state folder). */
const TEA_STAND = "tea-stand";
let teaStand;
try {
  mkdirSync(envFiles, { recursive: true, mode: 0o700 });
  const teaStandFile = join(envFiles, `${TEA_STAND}.json`);
  if (!existsSync(teaStandFile)) {
    const channel = {
      channelId: String(randomInt(2_000_000_000, 2_999_999_999)),
      channelSecret: randomBytes(16).toString("hex"),
    };
    writeFileSync(teaStandFile, JSON.stringify(channel), { mode: 0o600 });
  }
  teaStand = JSON.parse(readFileSync(teaStandFile, "utf8"));
  const write = (name, entries) =>
    writeFileSync(join(envFiles, name), entries.map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });
  write("sandbox.env", [
    ["LINEPAY_CHANNEL_ID", vars.LINEPAY_CHANNEL_ID],
    ["LINEPAY_CHANNEL_SECRET", vars.LINEPAY_CHANNEL_SECRET],
    // Single quotes: the value is JSON, taken as it is.
    ["LINEPAY_EXTRA_CHANNELS", `'${JSON.stringify([teaStand])}'`],
  ]);
  write("demo.env", [
    ["AUTH_JWT_SECRET", vars.AUTH_JWT_SECRET],
    ["EVENTS_WEBHOOK_SECRET", vars.EVENTS_WEBHOOK_SECRET],
  ]);
} catch (error) {
  stop(`cannot write the sandbox's and demo's settings under ${envFiles} (${error.code ?? error.message})`);
}

const GUARD = resolve(import.meta.dirname, "child-guard.mjs");
/** sandbox/faults.ts DROP_MARKER: the message of every connection the sandbox breaks on purpose. */
const EXPECTED_FAULT = "sandbox fault: connection dropped on purpose";
const children = [];
const ready = new Set();
let stopping = false;

function run(name, args) {
  // stdin is the guard's lifeline: this process holds its write end until it exits.
  const child = spawn(process.execPath, [GUARD, "wrangler", ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: wranglerDevEnv(),
  });
  let partial = "";
  let inExpectedFault = false;
  const forward = (out) => (chunk) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      // A connection the sandbox drops on purpose (the demo's "lose LINE Pay's answer") is the
      // fault working: its error lines and their stack are not news.
      if (line.includes(EXPECTED_FAULT)) {
        inExpectedFault = true;
        continue;
      }
      if (inExpectedFault && /^\s+at /.test(line)) continue;
      inExpectedFault = false;
      out.write(`[${name}] ${line}\n`);
      if (/Ready on http/.test(line)) markReady(name).catch((error) => console.error(`npm start: ${error.message}`));
    }
  };
  child.stdout.on("data", forward(process.stdout));
  child.stderr.on("data", forward(process.stderr));
  child.stdin.on("error", () => undefined);
  child.on("exit", (code) => {
    children.splice(children.indexOf(child), 1);
    if (!stopping) {
      console.error(`[${name}] exited with ${code}; stopping the others`);
      shutdown(code || 1);
    } else if (children.length === 0) {
      process.exit(exitCode);
    }
  });
  children.push(child);
}

let exitCode = 0;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  if (children.length === 0) process.exit(code);
  for (const c of children) c.kill("SIGTERM");
  // The guards give their children a grace period; leave after it whatever happened.
  setTimeout(() => process.exit(code), 6_000).unref();
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => shutdown(0));

const common = ["--ip", "127.0.0.1", "--show-interactive-dev-session=false"];
run("sandbox", [
  "dev",
  "-c",
  "sandbox/wrangler.toml",
  "--port",
  String(SANDBOX_PORT),
  "--persist-to",
  join(STATE_DIR, "state-sandbox"),
  "--env-file",
  join(envFiles, "sandbox.env"),
  // Several `wrangler dev` processes side by side need their own inspector ports.
  "--inspector-port",
  String(SANDBOX_PORT + 1000),
  ...common,
]);
run("gateway", [
  "dev",
  "--port",
  String(GATEWAY_PORT),
  "--persist-to",
  join(STATE_DIR, "state"),
  "--env-file",
  DEV_VARS,
  "--var",
  `LINEPAY_API_BASE:${API_BASE}`,
  // The gateway's events go to the demo shop's receiver page (its queue runs locally).
  "--var",
  `EVENTS_WEBHOOK_URL:${demo}/events`,
  "--inspector-port",
  String(GATEWAY_PORT + 1000),
  ...common,
]);
run("demo", [
  "dev",
  "-c",
  "demo/wrangler.toml",
  "--port",
  String(DEMO_PORT),
  "--env-file",
  join(envFiles, "demo.env"),
  // Its GATEWAY_URL and SANDBOX_URL follow this stack's ports.
  "--var",
  `GATEWAY_URL:${gw}`,
  "--var",
  `SANDBOX_URL:${sb}`,
  // The tea stand's channel, for its till's faults at the sandbox (its secret stays here).
  "--var",
  `TEA_STAND_CHANNEL_ID:${teaStand.channelId}`,
  "--persist-to",
  join(STATE_DIR, "state-demo"),
  "--inspector-port",
  String(DEMO_PORT + 1000),
  ...common,
]);

let announced = false;
async function markReady(name) {
  ready.add(name);
  // Once, when all three are up (wrangler says "Ready" again after each reload).
  if (ready.size < 3 || announced) return;
  announced = true;
  const teaStandNote = await registerTeaStand();
  const token = await devToken(vars.AUTH_JWT_SECRET);
  console.log(`
────────────────────────────────────────────────────────────────────────
 LINE Pay gateway  ${gw}      (OpenAPI: ${gw}/openapi.json)
 LINE Pay sandbox  ${sb}      (controls: ${sb}/)
 Demo shop         ${demo}      (POS: ${demo}/pos, order timelines: ${demo}/orders)
 Events received   ${demo}/events (the gateway's signed events, as they arrive)
 Second shop       ${teaStandNote}
${API_BASE === sb ? "" : ` The gateway calls LINE Pay at ${API_BASE}\n`}
 A dev token (12 h, scopes payments pos deposits; \`npm run --silent token\` prints a new one):
   export TOKEN=${token}

 The README's "Try it with curl" blocks run as they are against this stack.
────────────────────────────────────────────────────────────────────────
`);
}

/**
 * The demo's tea stand as a platform registers a merchant: PUT /v1/merchants/tea-stand with its
 * channel and Offline API v4 (idempotent: an update on every start). Its events have no URL of
 * their own, so they go to the global one, the demo's /events, naming the merchant.
 */
async function registerTeaStand() {
  try {
    const res = await fetch(`${gw}/v1/merchants/${TEA_STAND}`, {
      method: "PUT",
      headers: {
        Authorization: `Bearer ${await devToken(vars.AUTH_JWT_SECRET, "admin")}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ ...teaStand, offlineVersion: "v4" }),
    });
    if (res.ok) return `merchant ${TEA_STAND} (its own channel, Offline API v4): the till's Tea stand switch`;
    return `merchant ${TEA_STAND} not registered: the gateway answered ${res.status} (${(await res.text()).slice(0, 200)})`;
  } catch (error) {
    return `merchant ${TEA_STAND} not registered: ${error.message}`;
  }
}
