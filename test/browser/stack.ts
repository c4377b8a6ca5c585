/**
 * The real `npm start` stack for the Node tests: scripts/start.mjs runs the gateway, the LINE Pay
 * sandbox and the demo shop with `wrangler dev`, here on free ports of their own and with state
 * in a fresh temporary folder, so a developer's own `npm start` (and its orders) is untouched.
 * Started once per run by global-setup.ts (and by tests of start.mjs itself and of the relay,
 * with settings of their own); stopped by signalling start.mjs alone, whose guards end each
 * `wrangler dev` and its workerd (scripts/child-guard.mjs), even when start.mjs is killed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

export interface StackInfo {
  gateway: string;
  sandbox: string;
  demo: string;
  /** the gateway's AUTH_JWT_SECRET from .dev.vars (local, made by `npm start`), to mint caller JWTs */
  jwtSecret: string;
  /** the gateway's EVENTS_WEBHOOK_SECRET, which the demo shop verifies events with */
  eventsSecret: string;
  /** the sandbox channel of the demo's second shop, merchant `tea-stand` (Offline API v4) */
  teaStandChannelId: string;
}

export interface Stack {
  info: StackInfo;
  /** the pid of scripts/start.mjs (the leader of its process group) */
  pid: number;
  /** the stack's DEV_STATE_DIR (removed by stop()) */
  stateDir: string;
  /** everything start.mjs printed so far */
  output(): string;
  /** resolves with start.mjs's exit code when it exits */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** first of three consecutive free ports (gateway, sandbox, demo); found when not given */
  base?: number;
  /** more environment for start.mjs, e.g. DEV_VARS or LINEPAY_API_BASE */
  env?: Record<string, string>;
}

const NAMES = ["gateway", "sandbox", "demo"] as const;
const READY_TIMEOUT_MS = 90_000;

export function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
  });
}

/** Three consecutive ports, and the three inspector ports start.mjs puts 1000 above them. */
export async function freePorts(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const wanted = [base, base + 1, base + 2, base + 1000, base + 1001, base + 1002];
    const free = await Promise.all(wanted.map(portFree));
    if (free.every(Boolean)) return base;
  }
  throw new Error("no free ports for the test stack");
}

function readSecret(devVars: string, name = "AUTH_JWT_SECRET"): string {
  const text = readFileSync(devVars, "utf8");
  const match = new RegExp(`^${name}=(.+)$`, "m").exec(text);
  if (!match) throw new Error(`.dev.vars has no ${name}`);
  return match[1]!.trim();
}

function signal(child: ChildProcess, name: NodeJS.Signals, group = false): void {
  try {
    if (child.pid) process.kill(group ? -child.pid : child.pid, name);
  } catch {
    // already gone
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const base = options.base ?? (await freePorts());
  const stateDir = mkdtempSync(join(tmpdir(), "linepay-stack-"));
  const ports = { gateway: base, sandbox: base + 1, demo: base + 2 };
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    // Its own process group, so that stop() ends start.mjs, the wrangler processes and workerd.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      // wrangler (and the Node 22 it needs) from node_modules, as under `npm start`.
      PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
      GATEWAY_PORT: String(ports.gateway),
      SANDBOX_PORT: String(ports.sandbox),
      DEMO_PORT: String(ports.demo),
      DEV_STATE_DIR: stateDir,
      WRANGLER_SEND_METRICS: "false",
      ...options.env,
    },
  });
  let output = "";
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));

  const ready = new Promise<Record<string, string>>((done, fail) => {
    const urls: Record<string, string> = {};
    const timer = setTimeout(
      () => fail(new Error(`the stack was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output.slice(-4000)}`)),
      READY_TIMEOUT_MS,
    );
    const read = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000);
      for (const name of NAMES) {
        const m = new RegExp(`^\\[${name}\\] .*Ready on (http://\\S+)`, "m").exec(output);
        if (m) urls[name] = m[1]!;
      }
      // Ready once the banner is out: start.mjs prints it after registering the second shop.
      if (NAMES.every((n) => urls[n]) && output.includes(" Second shop ")) {
        clearTimeout(timer);
        done(urls);
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`scripts/start.mjs exited (${code}) before the stack was ready:\n${output.slice(-4000)}`));
    });
  });

  const stop = async () => {
    // start.mjs only: its guards end their children. Never SIGKILL the guards (the group), or
    // nothing would be left to end the wrangler processes; a killed start.mjs is handled by them.
    signal(child, "SIGTERM");
    const killer = setTimeout(() => signal(child, "SIGKILL"), 10_000);
    if (child.exitCode === null && child.signalCode === null) await exited;
    clearTimeout(killer);
    // The guards give wrangler a few seconds; wait until this stack's ports are free again.
    const ports = [base, base + 1, base + 2];
    for (let waited = 0; waited < 8_000; waited += 200) {
      if ((await Promise.all(ports.map(portFree))).every(Boolean)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    rmSync(stateDir, { recursive: true, force: true });
  };

  let urls: Record<string, string>;
  try {
    urls = await ready;
    for (const name of NAMES) {
      const wanted = `http://127.0.0.1:${ports[name]}`;
      if (urls[name] !== wanted) throw new Error(`${name} is on ${urls[name]}, not ${wanted}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const devVars = options.env?.DEV_VARS ?? join(ROOT, ".dev.vars");
  return {
    info: {
      gateway: urls.gateway!,
      sandbox: urls.sandbox!,
      demo: urls.demo!,
      jwtSecret: readSecret(devVars),
      eventsSecret: readSecret(devVars, "EVENTS_WEBHOOK_SECRET"),
      teaStandChannelId: (
        JSON.parse(readFileSync(join(stateDir, "env/tea-stand.json"), "utf8")) as { channelId: string }
      ).channelId,
    },
    pid: child.pid!,
    stateDir,
    output: () => output,
    exited,
    stop,
  };
}
