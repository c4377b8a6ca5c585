// The --wrangler mode: every Worker under its own `wrangler dev` process, started the way
// `npm start` starts the gateway and the sandbox (scripts/start.mjs): loopback --ip, its own
// --port and --inspector-port, --persist-to, --var LINEPAY_API_BASE, no interactive session,
// and the environment of scripts/wrangler-env.mjs (wrangler's local trace store off).
// Differences, all outside the request path: the ports are free ones picked here, state and
// secrets live in a temporary directory (secrets in a generated --env-file, so the developer's
// .dev.vars files are neither read nor written), the bench Workers get a generated
// wrangler.toml, and wrangler's dev registry is a private one so a running `npm start` is
// neither seen nor disturbed. Each process leads its own process group; stop() ends every
// group (wrangler, its node and workerd), and so do an error, Ctrl-C and the harness's exit.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import { join, resolve } from "node:path";
import { wranglerDevEnv } from "../scripts/wrangler-env.mjs";
import { COMPAT, WORKERS, pick } from "./targets.mjs";

const READY_TIMEOUT_MS = 120_000;

/** A loopback port nobody listens on right now. */
function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

const toml = (s) => JSON.stringify(s);

/** A wrangler.toml for a bench Worker that has none of its own. */
function generatedConfig(name, worker) {
  const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const lines = [`name = ${toml(`bench-${kebab}`)}`, `main = ${toml(resolve(worker.entry))}`];
  lines.push(`compatibility_date = ${toml(COMPAT)}`);
  for (const [binding, className] of Object.entries(worker.objects ?? {}))
    lines.push("", "[[durable_objects.bindings]]", `name = ${toml(binding)}`, `class_name = ${toml(className)}`);
  if (worker.objects) {
    const classes = Object.values(worker.objects).map(toml).join(", ");
    lines.push("", "[[migrations]]", 'tag = "v1"', `new_sqlite_classes = [${classes}]`);
  }
  return lines.join("\n") + "\n";
}

// Unquoted, as scripts/dev-secrets.mjs writes .dev.vars (none of the values holds a "#").
const envFile = (values) =>
  Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n") + "\n";

const groups = new Set();
/** Temporary directories (state and generated secrets) to remove however the run ends. */
const tmpDirs = new Set();
function killGroups(signal) {
  for (const pid of groups) {
    try {
      process.kill(-pid, signal);
    } catch {
      groups.delete(pid); // already gone
    }
  }
}
let guarded = false;
/** Whatever way this process ends (error, Ctrl-C, exit), no wrangler or workerd it started outlives it. */
function guardExit() {
  if (guarded) return;
  guarded = true;
  process.on("exit", () => {
    killGroups("SIGKILL");
    for (const dir of tmpDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // a process was still writing there; the OS cleans its temporary directory
      }
    }
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping every wrangler dev process the benchmark started`);
      killGroups("SIGTERM");
      setTimeout(() => process.exit(130), 1500);
    });
  }
}

function launch(name, args, cwd, env) {
  const child = spawn("wrangler", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  groups.add(child.pid);
  const state = { child, name, exited: null, logBytes: 0, tail: [] };
  const consume = (chunk) => {
    state.logBytes += chunk.length;
    state.tail.push(
      ...chunk
        .toString()
        .split("\n")
        .filter((l) => l.trim() !== ""),
    );
    if (state.tail.length > 40) state.tail.splice(0, state.tail.length - 40);
  };
  child.stdout.on("data", consume);
  child.stderr.on("data", consume);
  child.on("exit", (code, signal) => {
    state.exited = signal ?? code;
    groups.delete(child.pid);
  });
  return state;
}

async function waitUntilAnswering(state, url) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (state.exited !== null)
      throw new Error(`wrangler dev for ${state.name} exited (${state.exited}):\n${state.tail.join("\n")}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`wrangler dev for ${state.name} did not answer ${url} in time:\n${state.tail.join("\n")}`);
}

async function endGroup(state) {
  const { pid } = state.child;
  if (state.exited !== null) return;
  const gone = new Promise((r) => state.child.once("exit", r));
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, 5000);
  await gone;
  clearTimeout(timer);
  // wrangler may exit before its workerd does: the group goes as a whole.
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // nothing left
  }
  groups.delete(pid);
}

/**
 * Starts every Worker (or those in `only`) under wrangler dev; resolves to { targets, stop() }
 * like startMiniflare. The sandbox always starts: the others call it.
 */
export async function startWrangler(secrets, { only } = {}) {
  guardExit();
  const tmp = mkdtempSync(join(os.tmpdir(), "linepay-bench-wrangler-"));
  tmpDirs.add(tmp);
  const ports = {};
  const names = Object.keys(WORKERS).filter((name) => !only || name === "sandbox" || only.includes(name));
  for (const name of names) ports[name] = { http: await freePort(), inspector: await freePort() };
  const sandboxUrl = `http://127.0.0.1:${ports.sandbox.http}`;
  const env = {
    ...wranglerDevEnv(),
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_REGISTRY_PATH: join(tmp, "registry"),
    WRANGLER_LOG_PATH: join(tmp, "logs"),
  };
  const states = [];
  const stop = async () => {
    await Promise.allSettled(states.map(endGroup));
    rmSync(tmp, { recursive: true, force: true });
    tmpDirs.delete(tmp);
  };
  const targets = {};
  try {
    for (const name of names) {
      const worker = WORKERS[name];
      const dir = join(tmp, name);
      mkdirSync(dir, { recursive: true });
      const secretsFile = join(dir, "secrets.env");
      writeFileSync(secretsFile, envFile(pick(secrets, worker.secrets)), { mode: 0o600 });
      let config = worker.config && resolve(worker.config);
      if (!config) {
        config = join(dir, "wrangler.toml");
        writeFileSync(config, generatedConfig(name, worker));
      }
      const persistRoot = join(dir, "state");
      const args = ["dev", "-c", config, "--ip", "127.0.0.1", "--port", String(ports[name].http)];
      args.push("--persist-to", persistRoot, "--inspector-port", String(ports[name].inspector));
      args.push("--env-file", secretsFile, "--show-interactive-dev-session=false");
      if (worker.upstream) args.push("--var", `LINEPAY_API_BASE:${sandboxUrl}`);
      // The project's own Workers run from the checkout, as `npm start` runs them; the bench
      // Workers from their temporary directory, so their build output stays there.
      const state = launch(name, args, worker.config ? process.cwd() : dir, env);
      states.push(state);
      const url = `http://127.0.0.1:${ports[name].http}`;
      // wrangler dev records each Durable Object's name as the object starts (commits.mjs).
      targets[name] = { url, persistRoot, startCommits: 1, logBytes: () => state.logBytes, state };
    }
    await Promise.all(
      Object.values(targets).map((t) => waitUntilAnswering(t.state, t.url + WORKERS[t.state.name].probe)),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { targets, stop };
}
