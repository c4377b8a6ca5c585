/**
 * Real runtime processes for the tests that need a real death: one `wrangler dev` per Worker,
 * in a process group of its own (so SIGKILL takes workerd with it), on a state folder that
 * outlives it, with secrets generated for the run in an env file of its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEV_SECRETS, freshDevSecrets } from "../../scripts/dev-secrets.mjs";
import { wranglerDevEnv } from "../../scripts/wrangler-env.mjs";
import { ROOT, freePorts } from "../browser/stack";

/** The gateway's secrets for one run, made as `npm start` makes them (scripts/dev-secrets.mjs). */
export const freshSecrets = (): Record<keyof typeof DEV_SECRETS, string> =>
  freshDevSecrets() as Record<keyof typeof DEV_SECRETS, string>;

export function writeEnvFile(path: string, vars: Record<string, string>): string {
  writeFileSync(
    path,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
    { mode: 0o600 },
  );
  return path;
}

export interface Runtime {
  url: string;
  output(): string;
  /** SIGKILL to the whole process group (wrangler and workerd): no cleanup, no goodbye */
  kill(): Promise<void>;
}

export interface RuntimeOptions {
  /** `-c` config; the gateway's own wrangler.toml when absent */
  config?: string;
  port: number;
  persistTo: string;
  envFile: string;
  vars?: Record<string, string>;
}

const READY_MS = 90_000;

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const args = [
    "dev",
    ...(options.config ? ["-c", options.config] : []),
    "--ip",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--inspector-port",
    String(options.port + 1000),
    "--persist-to",
    options.persistTo,
    "--env-file",
    options.envFile,
    "--show-interactive-dev-session=false",
    ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child: ChildProcess = spawn(join(ROOT, "node_modules/.bin/wrangler"), args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // As `npm start` runs wrangler dev (scripts/wrangler-env.mjs).
    env: {
      ...wranglerDevEnv(),
      PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
      WRANGLER_SEND_METRICS: "false",
    },
  });
  let output = "";
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`not ready in ${READY_MS / 1000} s:\n${output.slice(-3000)}`)),
      READY_MS,
    );
    const read = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000);
      if (/Ready on http/.test(output)) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => fail(new Error(`wrangler dev exited (${code}):\n${output.slice(-3000)}`)));
  });
  return {
    url: `http://127.0.0.1:${options.port}`,
    output: () => output,
    async kill() {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      await exited;
    },
  };
}

/** Two free ports (and their inspector ports) for a sandbox and a gateway. */
export async function twoPorts(): Promise<{ sandbox: number; gateway: number }> {
  const base = await freePorts();
  return { gateway: base, sandbox: base + 1 };
}
