/**
 * Two projects. `workers`: tests run inside workerd: the gateway is the main Worker (its own
 * wrangler.toml, real Durable Objects, KV and queues from Miniflare: its queue() consumer runs
 * in the tests' isolate) and the LINE Pay sandbox is an auxiliary Worker. Every outbound fetch
 * the gateway makes goes through a test network (test/support/network.ts) to the sandbox, or,
 * for http://receiver.test, to a merchant's events endpoint (test/support/receiver.ts, which
 * also consumes the dead-letter queue), so nothing can leave the machine. Secrets are generated
 * here, at each run, and never written to disk.
 * `node`: test/browser/ runs in Node against the real `npm start` stack (gateway, sandbox and
 * demo shop under `wrangler dev`, on ports of its own), with Chromium for the demo
 * (test/browser/chromium.ts). `scripts`: the tests of scripts/, in Node.
 */
import { randomBytes, randomInt } from "node:crypto";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { build } from "esbuild";
import { configDefaults, defineConfig } from "vitest/config";

for (const [entry, outfile] of [
  ["sandbox/index.ts", ".build/sandbox.js"],
  ["test/support/receiver.ts", ".build/receiver.js"],
  ["test/support/network.ts", ".build/network.js"],
]) {
  await build({ entryPoints: [entry], bundle: true, format: "esm", target: "es2024", outfile, logLevel: "warning" });
}

const channelId = String(randomInt(1_000_000_000, 2_000_000_000));
const secrets = {
  LINEPAY_CHANNEL_ID: channelId,
  LINEPAY_CHANNEL_SECRET: randomBytes(16).toString("hex"),
  AUTH_JWT_SECRET: randomBytes(32).toString("base64url"),
  REGKEY_KEYS: JSON.stringify({ active: "k1", keys: { k1: randomBytes(32).toString("base64url") } }),
  DEPOSIT_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString("base64")}`,
  EVENTS_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString("base64")}`,
  MERCHANT_KEYS: JSON.stringify({ active: "k1", keys: { k1: randomBytes(32).toString("base64url") } }),
};

export const SANDBOX_BASE = "http://sandbox.linepay.test";

const workers = {
  plugins: [
    cloudflareTest({
      // workerd's own verbose logging prints every stream the sandbox breaks on purpose (the drop
      // and reset faults) as an "uncaught exception"; the Workers' console output still shows.
      verbose: false,
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ...secrets,
          LINEPAY_API_BASE: SANDBOX_BASE,
          // Short read timeouts so fault tests do not wait LINE Pay's real minima.
          LINEPAY_TIMEOUT_MS: "1000",
          LINEPAY_POS_TIMEOUT_MS: "1200",
          LINEPAY_DEVICE_PROFILE_ID: "test-terminal-01",
          // Events go to the test receiver; redeliveries wait 1 s, 2 s, 4 s... (real seconds:
          // the queue's timers are Miniflare's, only the gateway's Date is faked).
          EVENTS_WEBHOOK_URL: "http://receiver.test/events",
          EVENTS_RETRY_DELAY_S: "1",
          // Soak size and seed: `npm run soak` raises the size (SOAK_OPERATIONS, SOAK_SEED).
          SOAK_OPERATIONS: process.env.SOAK_OPERATIONS ?? "2000",
          SOAK_SEED: process.env.SOAK_SEED ?? String(Date.now() % 1_000_000),
        },
        serviceBindings: { SANDBOX: "linepay-sandbox", RECEIVER: "events-receiver" },
        outboundService: "test-network",
        workers: [
          {
            name: "linepay-sandbox",
            modules: true,
            scriptPath: "./.build/sandbox.js",
            compatibilityDate: "2026-11-01",
            bindings: {
              LINEPAY_CHANNEL_ID: secrets.LINEPAY_CHANNEL_ID,
              LINEPAY_CHANNEL_SECRET: secrets.LINEPAY_CHANNEL_SECRET,
            },
          },
          {
            name: "test-network",
            modules: true,
            scriptPath: "./.build/network.js",
            compatibilityDate: "2026-11-01",
            serviceBindings: { SANDBOX: "linepay-sandbox", RECEIVER: "events-receiver" },
          },
          {
            name: "events-receiver",
            modules: true,
            scriptPath: "./.build/receiver.js",
            compatibilityDate: "2026-11-01",
            queueConsumers: { "linepay-events-dlq": { maxBatchTimeout: 1 } },
          },
        ],
      },
    }),
  ],
  test: {
    name: "workers",
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, "test/browser/**", "test/scripts/**", "test/process/**", "test/relay/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
};

const node = {
  test: {
    name: "node",
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/browser/global-setup.ts"],
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
};

// `scripts`: the tests of scripts/ (npm start's secrets, its guards): Node, no shared stack.
const scripts = {
  test: {
    name: "scripts",
    // npm start's scripts, and real runtime processes killed and restarted (test/process).
    include: ["test/scripts/**/*.test.ts", "test/process/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
};

export default defineConfig({
  test: {
    // Logs are asserted on by the secrets scan, not read by people: show them only for failures.
    silent: "passed-only",
    projects: [workers, node, scripts],
  },
});
