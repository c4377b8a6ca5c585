/**
 * scripts/start.mjs as a developer meets it: a .dev.vars that lacks secrets is completed (never
 * "undefined"), an unusable one stops it with one line before anything starts, the demo gets the
 * gateway's JWT secret, wrangler's local trace store stays off (scripts/wrangler-env.mjs), and
 * the `wrangler dev` children end with it however it ends, even by SIGKILL, which it cannot
 * catch (scripts/child-guard.mjs), so no port stays taken.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDevVars } from "../../scripts/dev-secrets.mjs";
import { wranglerDevEnv } from "../../scripts/wrangler-env.mjs";
import { ROOT, freePorts, portFree, startStack } from "../browser/stack";

const dir = mkdtempSync(join(tmpdir(), "linepay-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NODE = join(ROOT, "node_modules", ".bin", "node");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < ms; await sleep(200)) if (await ok()) return;
  throw new Error(`not within ${ms / 1000} s: ${what}`);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("npm start", () => {
  it("stops with one clear line, and starts nothing, when .dev.vars holds an unusable value", async () => {
    const devVars = join(dir, "broken.dev.vars");
    writeFileSync(devVars, 'LINEPAY_CHANNEL_ID=1234567890\nREGKEY_KEYS={"active":"k1"\n');
    const base = await freePorts();
    const child = spawn(NODE, ["scripts/start.mjs"], {
      cwd: ROOT,
      env: {
        ...process.env,
        PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
        DEV_VARS: devVars,
        GATEWAY_PORT: String(base),
        SANDBOX_PORT: String(base + 1),
        DEMO_PORT: String(base + 2),
        DEV_STATE_DIR: join(dir, "state-broken"),
      },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((done) => child.once("exit", done));
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err.trimEnd().split("\n")).toEqual([
      `npm start: ${devVars}: REGKEY_KEYS is not valid JSON; fix it, or delete its line and npm start makes a fresh one`,
    ]);
    expect(readFileSync(devVars, "utf8")).toBe('LINEPAY_CHANNEL_ID=1234567890\nREGKEY_KEYS={"active":"k1"\n');
    expect(await Promise.all([base, base + 1, base + 2].map(portFree))).toEqual([true, true, true]);
  });

  it("completes a partial .dev.vars, serves with it, and leaves nothing running when SIGKILLed", async () => {
    const devVars = join(dir, "partial.dev.vars");
    writeFileSync(devVars, "# mine\nLINEPAY_CHANNEL_ID=1234567890\nAUTH_JWT_SECRET=\n");
    const base = await freePorts();
    const stack = await startStack({ base, env: { DEV_VARS: devVars } });
    try {
      const text = readFileSync(devVars, "utf8");
      const vars = parseDevVars(text);
      expect(text.startsWith("# mine\nLINEPAY_CHANNEL_ID=1234567890\nAUTH_JWT_SECRET=")).toBe(true);
      expect(Object.keys(vars).sort()).toEqual(
        [
          "AUTH_JWT_SECRET",
          "DEPOSIT_WEBHOOK_SECRET",
          "EVENTS_WEBHOOK_SECRET",
          "LINEPAY_CHANNEL_ID",
          "LINEPAY_CHANNEL_SECRET",
          "MERCHANT_KEYS",
          "REGKEY_KEYS",
        ].sort(),
      );
      expect(text).not.toContain("undefined");
      expect(stack.output()).toContain(
        `npm start: wrote LINEPAY_CHANNEL_SECRET, AUTH_JWT_SECRET, REGKEY_KEYS, DEPOSIT_WEBHOOK_SECRET, EVENTS_WEBHOOK_SECRET, MERCHANT_KEYS to ${devVars}`,
      );

      const health = await fetch(`${stack.info.gateway}/healthz`);
      expect(health.status).toBe(200);
      // The printed token is minted from the completed secret: the gateway takes it.
      await until("the banner", () => /export TOKEN=(\S+)/.test(stack.output()));
      const token = /export TOKEN=(\S+)/.exec(stack.output())![1]!;
      const order = await fetch(`${stack.info.gateway}/v1/payments/none-${Date.now()}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(order.status).toBe(404);
      // The demo shop mints its own tokens with the same secret: the gateway answers it too.
      const page = await (await fetch(`${stack.info.demo}/orders/none-${Date.now()}`)).text();
      expect(page).toContain("not_found");
      expect(page).not.toContain("unauthorized");
      // Requests served, and wrangler's local trace store never made (scripts/wrangler-env.mjs):
      // the gateway's state holds its own objects, no `observability` folder of spans.
      const state = join(stack.stateDir, "state", "v3");
      expect(readdirSync(state)).toContain("do");
      expect(existsSync(join(state, "observability"))).toBe(false);

      process.kill(stack.pid, "SIGKILL");
      expect(await stack.exited).toBe(null);
      await until("the three ports are free again", async () =>
        (await Promise.all([base, base + 1, base + 2].map(portFree))).every(Boolean),
      );
      // and the guards, in start.mjs's process group, are gone too
      await until("start.mjs's process group is empty", () => !alive(-stack.pid));
    } finally {
      await stack.stop();
    }
  });
});

describe("wrangler-env.mjs", () => {
  it("turns wrangler's local trace store off unless the developer turned it on", () => {
    expect(wranglerDevEnv({ PATH: "/bin" })).toEqual({
      PATH: "/bin",
      CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true",
      X_LOCAL_OBSERVABILITY: "false",
    });
    expect(wranglerDevEnv({ X_LOCAL_OBSERVABILITY: "true" }).X_LOCAL_OBSERVABILITY).toBe("true");
  });
});

describe("child-guard.mjs", () => {
  /** A guard around a Node process that prints its pid and then waits forever. */
  function guarded() {
    const guard = spawn(
      NODE,
      ["scripts/child-guard.mjs", NODE, "-e", "console.log(process.pid); setInterval(() => {}, 1000)"],
      {
        cwd: ROOT,
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    const pid = new Promise<number>((done) => guard.stdout.once("data", (c: Buffer) => done(Number(String(c).trim()))));
    const exited = new Promise<number | null>((done) => guard.once("exit", done));
    return { guard, pid, exited };
  }

  it("ends its child when the parent's end of the pipe closes, as when the parent is killed", async () => {
    const { guard, pid, exited } = guarded();
    const child = await pid;
    expect(alive(child)).toBe(true);
    guard.stdin.end();
    await exited;
    await until("the child has ended", () => !alive(child), 6_000);
  });

  it("ends its child on a signal to the guard, and exits", async () => {
    const { guard, pid, exited } = guarded();
    const child = await pid;
    guard.kill("SIGTERM");
    await exited;
    await until("the child has ended", () => !alive(child), 6_000);
  });
});
