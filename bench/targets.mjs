// The Workers the benchmark drives, described once for both ways of starting them
// (miniflare-targets.mjs, wrangler-targets.mjs), and the secrets they share.
import { randomBytes, randomInt } from "node:crypto";
import { freshDevSecrets } from "../scripts/dev-secrets.mjs";

export const COMPAT = "2026-11-01";

/** Fresh random secrets for every run, made as `npm start` makes them: nothing here is, or resembles, a real credential. */
export const freshSecrets = freshDevSecrets;

/** A registered merchant's own channel (the sandbox learns it at setup), generated per run. */
export function freshChannel() {
  return { channelId: String(randomInt(2_000_000_000, 3_000_000_000)), channelSecret: randomBytes(16).toString("hex") };
}

const CHANNEL = ["LINEPAY_CHANNEL_ID", "LINEPAY_CHANNEL_SECRET"];

/**
 * name -> how to run it. `config` is the project's own wrangler.toml for Workers that have one
 * (the --wrangler mode uses it exactly as `npm start` does); the others get a generated one.
 * `vars` are plain variables (for Miniflare; wrangler reads the gateway's from its config),
 * `secrets` the names taken from freshSecrets(), `upstream` whether it needs LINEPAY_API_BASE,
 * `queues` the gateway's Queues (producers by binding, and the consumer of `linepay-events`) as
 * wrangler.toml declares them.
 * `probe` is a GET that answers without touching LINE Pay or storage.
 */
export const WORKERS = {
  sandbox: {
    entry: "sandbox/index.ts",
    config: "sandbox/wrangler.toml",
    secrets: CHANNEL,
    probe: "/__sandbox",
  },
  passthrough: { entry: "bench/passthrough.ts", secrets: CHANNEL, upstream: true, probe: "/healthz" },
  objectFloor: {
    entry: "bench/object-floor.ts",
    objects: { FLOOR: "FloorObject" },
    secrets: CHANNEL,
    upstream: true,
    probe: "/",
  },
  twoCommitFloor: {
    entry: "bench/two-commit-floor.ts",
    objects: { TWO_COMMIT_FLOOR: "TwoCommitFloorObject" },
    secrets: CHANNEL,
    upstream: true,
    probe: "/",
  },
  gateway: {
    entry: "functions/index.ts",
    config: "wrangler.toml",
    objects: { ORDERS: "OrderObject", REGKEY_LANES: "RegKeyLane", MERCHANTS: "MerchantObject" },
    kv: ["REGKEYS"],
    queues: {
      producers: { EVENTS: "linepay-events", EVENTS_DLQ: "linepay-events-dlq" },
      consumers: {
        "linepay-events": {
          maxBatchSize: 10,
          maxBatchTimeout: 1,
          maxRetries: 100,
          deadLetterQueue: "linepay-events-dlq",
        },
      },
    },
    // The [vars] of wrangler.toml, LINEPAY_API_BASE aside.
    vars: {
      LINEPAY_DEVICE_TYPE: "POS",
      LINEPAY_POS_TIMEOUT_MS: "45000",
      LINEPAY_ONLINE_VERSION: "v3",
      LINEPAY_OFFLINE_VERSION: "v2",
      AUTH_AUDIENCE: "linepay-gateway",
      EVENTS_RETRY_DELAY_S: "30",
    },
    secrets: Object.keys(freshSecrets()),
    upstream: true,
    probe: "/healthz",
  },
};

export const pick = (secrets, names) => Object.fromEntries(names.map((n) => [n, secrets[n]]));
