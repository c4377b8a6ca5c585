// `npm run bench [-- --quick] [-- --wrangler]`: the LINE Pay sandbox, a bare passthrough
// Worker, the one-commit object floor, the two-commit floor and the gateway, each on its own
// loopback port, driven by autocannon in this process. By default each Worker runs in its own
// Miniflare (miniflare-targets.mjs); with --wrangler each runs under its own `wrangler dev`, as
// `npm start` runs the gateway (wrangler-targets.mjs). Both modes run the same scenarios and
// print p50 / p99 / max latency, requests/s, durable commits and LINE Pay calls per operation,
// the gateway's distance from the floors, the stampede and the bundle size; they write
// bench/results/latest.json, a chart and (full runs only) their own section of BENCHMARKS.md.
// No thresholds: benchmarks report, tests assert.
import { execFileSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import { gzipSync } from "node:zlib";
import { SignJWT } from "jose";
import { IDLE_CLOSE_MS, commitsBetween, snapshot } from "./commits.mjs";
import { load, mergeRuns, summary } from "./load.mjs";
import { startMiniflare } from "./miniflare-targets.mjs";
import { writeOutputs } from "./report.mjs";
import { freshChannel, freshSecrets } from "./targets.mjs";
import { startWrangler } from "./wrangler-targets.mjs";

const QUICK = process.argv.includes("--quick");
const MODE = process.argv.includes("--wrangler") ? "wrangler" : "miniflare";
const SEQUENTIAL_REQUESTS = QUICK ? 100 : 2000;
const CONCURRENT_SECONDS = QUICK ? 2 : 10;
const STAMPEDE = QUICK ? 100 : 1000;
/** Operations per scenario whose commits and LINE Pay calls are counted: one caller, 64 callers. */
const ACCOUNTED = QUICK ? 10 : 50;
const ACCOUNTED_CONCURRENT = QUICK ? 64 : 128;
const WARMUP = QUICK ? 20 : 50;
/** Turns each scenario's measured requests are split into, the scenarios taking turns. */
const ROUNDS = QUICK ? 2 : 4;

mkdirSync("bench/results", { recursive: true });

const git = (...args) => {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined; // not a git checkout
  }
};
const commit = git("rev-parse", "--short", "HEAD") ?? "unknown";
const dirty = (git("status", "--porcelain", "--untracked-files=no") ?? "") !== "";
const command = ["npm run bench", ...process.argv.slice(2).map((a, i) => (i === 0 ? `-- ${a}` : a))].join(" ");

const secrets = freshSecrets();
const started = performance.now();
const { targets, stop } = MODE === "wrangler" ? await startWrangler(secrets) : await startMiniflare(secrets);
const startupMs = Math.round(performance.now() - started);
let measured;
try {
  measured = await measure();
} finally {
  await stop();
}

// Bundle: exactly what `wrangler deploy` would upload, minified.
execFileSync("wrangler", ["deploy", "--dry-run", "--minify", "--outdir", ".build/bundle"], { stdio: "ignore" });
const bundleSize = {
  minifiedKiB: +(statSync(".build/bundle/index.js").size / 1024).toFixed(1),
  gzipKiB: +(gzipSync(readFileSync(".build/bundle/index.js")).length / 1024).toFixed(1),
};

writeOutputs({
  mode: MODE,
  quick: QUICK,
  command,
  commit: `${commit}${dirty ? " (with uncommitted changes)" : ""}`,
  machine: {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    tmpdir: os.tmpdir(),
    date: new Date().toISOString().slice(0, 10),
  },
  startupMs,
  sequentialRequests: SEQUENTIAL_REQUESTS,
  concurrentSeconds: CONCURRENT_SECONDS,
  rounds: ROUNDS,
  accountedOperations: { sequential: ACCOUNTED, concurrent: ACCOUNTED_CONCURRENT },
  ...measured,
  bundleSize,
});

async function measure() {
  const sandboxUrl = targets.sandbox.url;
  const gatewayUrl = targets.gateway.url;
  const mint = (claims) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setAudience("linepay-gateway")
      .setExpirationTime("2h")
      .sign(new TextEncoder().encode(secrets.AUTH_JWT_SECRET));
  const token = await mint({ scope: "payments pos deposits" });

  const run = `${process.pid}-${Date.now().toString(36)}`;
  let seq = 0;
  /** A fresh 19-digit My Code (LINE Pay Japan's length) for every request. */
  const oneTimeKey = () => String(randomInt(1e9, 9e9)) + String(randomInt(1e8, 9e8));
  const posBody = (orderId = `bench-${run}-${++seq}`) =>
    JSON.stringify({ productName: "Coffee", amount: 450, currency: "JPY", orderId, oneTimeKey: oneTimeKey() });

  const v2Headers = {
    "Content-Type": "application/json",
    "X-LINE-ChannelId": secrets.LINEPAY_CHANNEL_ID,
    "X-LINE-ChannelSecret": secrets.LINEPAY_CHANNEL_SECRET,
    "X-LINE-MerchantDeviceType": "POS",
  };
  const jsonHeaders = { "Content-Type": "application/json" };
  const gatewayHeaders = { "Content-Type": "application/json", Authorization: `Bearer ${token}` };

  /** The registered merchants' channels, beside the first (the default merchant's). */
  const merchantChannels = [];
  /** LINE Pay calls the sandbox has answered so far on every channel, by operation. */
  const upstreamCalls = async () => {
    const all = {};
    for (const query of ["", ...merchantChannels.map((id) => `?channelId=${id}`)]) {
      const { calls } = await (await fetch(`${sandboxUrl}/__sandbox/calls${query}`)).json();
      for (const [op, n] of Object.entries(calls)) all[op] = (all[op] ?? 0) + n;
    }
    return all;
  };
  const callsBetween = (before, after) =>
    Object.fromEntries(
      Object.keys(after)
        .map((op) => [op, after[op] - (before[op] ?? 0)])
        .filter(([, n]) => n !== 0),
    );
  const total = (calls) => Object.values(calls).reduce((s, n) => s + n, 0);
  const control = async (path, body, method = "POST") => {
    const res = await fetch(`${sandboxUrl}/__sandbox/${path}`, {
      method,
      headers: jsonHeaders,
      body: body && JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status}`);
    return res.json();
  };

  // Two registered merchants on channels of their own: one without events (as the default
  // merchant here), one whose events go to the passthrough's sink, each behind its own token.
  const adminHeaders = { ...jsonHeaders, Authorization: `Bearer ${await mint({ scope: "admin" })}` };
  const merchantHeaders = {};
  for (const [merchantId, events] of [
    ["bench-shop", undefined],
    ["bench-shop-events", { url: `${targets.passthrough.url}/events`, secret: secrets.EVENTS_WEBHOOK_SECRET }],
  ]) {
    const channel = freshChannel();
    await control("channels", channel);
    merchantChannels.push(channel.channelId);
    const res = await fetch(`${gatewayUrl}/v1/merchants/${merchantId}`, {
      method: "PUT",
      headers: adminHeaders,
      body: JSON.stringify({
        ...channel,
        ...(events ? { eventsWebhookUrl: events.url, eventsWebhookSecret: events.secret } : {}),
      }),
    });
    if (res.status !== 201) throw new Error(`setup merchant ${merchantId}: ${res.status} ${await res.text()}`);
    merchantHeaders[merchantId] = {
      ...jsonHeaders,
      Authorization: `Bearer ${await mint({ scope: "payments pos deposits", merchant: merchantId })}`,
    };
  }

  // Orders for the GET scenarios, paid once through the gateway (so LINE Pay knows them too).
  const getIds = Array.from({ length: 64 }, (_, i) => `bench-get-${run}-${i}`);
  for (const id of getIds) {
    const res = await fetch(`${gatewayUrl}/v1/pos/payments`, {
      method: "POST",
      headers: gatewayHeaders,
      body: posBody(id),
    });
    if (res.status !== 200) throw new Error(`setup pay for ${id}: ${res.status} ${await res.text()}`);
  }
  let getSeq = 0;
  const getPath = () => `/v1/payments/${getIds[getSeq++ % getIds.length]}`;

  const pay = (name, target, url, headers) => ({ name, target, url, headers, body: () => posBody() });
  const scenarios = [
    pay("sandbox", "sandbox", `${sandboxUrl}/v2/payments/oneTimeKeys/pay`, v2Headers),
    pay("passthrough", "passthrough", targets.passthrough.url, jsonHeaders),
    pay("objectFloor", "objectFloor", targets.objectFloor.url, jsonHeaders),
    pay("twoCommitFloor", "twoCommitFloor", targets.twoCommitFloor.url, jsonHeaders),
    pay("wakeFloor", "twoCommitFloor", `${targets.twoCommitFloor.url}/wake`, jsonHeaders),
    pay("gatewayPay", "gateway", `${gatewayUrl}/v1/pos/payments`, gatewayHeaders),
    pay("gatewayPayMerchant", "gateway", `${gatewayUrl}/v1/pos/payments`, merchantHeaders["bench-shop"]),
    pay("gatewayPayEvents", "gateway", `${gatewayUrl}/v1/pos/payments`, merchantHeaders["bench-shop-events"]),
    { name: "passthroughGet", target: "passthrough", url: targets.passthrough.url, method: "GET", path: getPath },
    { name: "gatewayGet", target: "gateway", url: gatewayUrl, method: "GET", headers: gatewayHeaders, path: getPath },
  ];

  /** Waits until LINE Pay has stopped being called: a duration-bound run ends with requests in flight. */
  async function quiesce() {
    let last = total(await upstreamCalls());
    for (let stable = 0, waited = 0; stable < 2 && waited < 20_000; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      const now = total(await upstreamCalls());
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
  }

  /**
   * `amount` operations with `connections` callers, every one answered before the count ends,
   * with the target's SQLite write-ahead logs read before and after (commits.mjs) and the
   * sandbox's call counts: what one operation costs in durable commits and LINE Pay calls.
   * Short on purpose: workerd closes idle objects (commits.mjs).
   */
  async function account(s, connections, amount) {
    const target = targets[s.target];
    const files = snapshot(target.persistRoot);
    const calls = await upstreamCalls();
    const logBytes = target.logBytes();
    const began = performance.now();
    const { statuses } = await load({ ...s, connections, amount });
    const windowMs = performance.now() - began;
    const commits = commitsBetween(files, snapshot(target.persistRoot), { ...target, windowMs });
    const upstream = callsBetween(calls, await upstreamCalls());
    // Let wrangler's request log lines for the last operations arrive.
    await new Promise((r) => setTimeout(r, 200));
    return {
      operations: amount,
      callers: connections,
      windowMs: Math.round(windowMs),
      statuses,
      commits,
      upstream,
      commitsPerOp: (commits.objects + commits.alarms + commits.kv) / amount,
      toolingCommitsPerOp: commits.tooling / amount,
      kibPerOp: commits.bytes / 1024 / amount,
      objectStartsPerOp: commits.starts / amount,
      upstreamPerOp: total(upstream) / amount,
      logBytesPerOp: Math.round((target.logBytes() - logBytes) / amount),
    };
  }

  /**
   * Waits until workerd has closed every object of a target (10 s after each one's last
   * request; closing checkpoints its database): the next target is measured without this
   * one's closing work on the same two cores. Skipped in quick runs.
   */
  async function settle(target) {
    if (QUICK) return;
    const open = () => [...snapshot(targets[target].persistRoot).keys()].filter((p) => p.split(/[\\/]/).includes("do"));
    for (let waited = 0; waited < IDLE_CLOSE_MS * 2; waited += 500) {
      if (open().every((p) => p.endsWith("metadata.sqlite-wal"))) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  const accounting = { sequential: {}, concurrent: {} };
  const results = { sequential: [], concurrent: [] };
  for (const [mode, connections, accounted] of [
    ["sequential", 1, ACCOUNTED],
    ["concurrent", 64, ACCOUNTED_CONCURRENT],
  ]) {
    // Each scenario is measured in ROUNDS turns, taking turns with the others, so that the shared
    // machine's drift (its disk's latency above all, which moves by the minute) falls on every
    // scenario alike rather than on whichever ran at a bad moment.
    const size =
      mode === "sequential" ? { amount: SEQUENTIAL_REQUESTS / ROUNDS } : { duration: CONCURRENT_SECONDS / ROUNDS };
    const runs = new Map(scenarios.map((s) => [s.name, []]));
    // Warmed so that first-request compilation is not measured.
    for (const s of scenarios) await load({ ...s, connections: 4, amount: WARMUP });
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of scenarios) {
        runs.get(s.name).push(await load({ ...s, connections, ...size }));
        if (mode === "concurrent") await quiesce();
      }
    }
    for (const s of scenarios) results[mode].push(summary(s.name, connections, mergeRuns(runs.get(s.name))));
    for (const s of scenarios) {
      await settle(s.target);
      accounting[mode][s.name] = await account(s, connections, accounted);
    }
  }

  // Stampede: STAMPEDE identical pays for one order, LINE Pay answering after 200 ms, beside the
  // passthrough answering STAMPEDE distinct orders sent at once with the same 200 ms.
  const stampedeId = `bench-stampede-${run}`;
  const stampedeBody = posBody(stampedeId);
  await control("faults", { operation: "pos.pay", orderId: stampedeId, fault: { type: "delay", ms: 200 } });
  const files = snapshot(targets.gateway.persistRoot);
  const calls = await upstreamCalls();
  const gatewayStampede = await load({
    url: `${gatewayUrl}/v1/pos/payments`,
    headers: gatewayHeaders,
    body: () => stampedeBody,
    connections: STAMPEDE,
    amount: STAMPEDE,
  });
  const stampedeCommits = commitsBetween(files, snapshot(targets.gateway.persistRoot), {
    ...targets.gateway,
    windowMs: gatewayStampede.wallMs,
  });
  const stampedeCalls = callsBetween(calls, await upstreamCalls());
  await control("faults", { operation: "pos.pay", fault: { type: "delay", ms: 200 }, times: STAMPEDE });
  const passStampede = await load({
    url: targets.passthrough.url,
    headers: jsonHeaders,
    body: () => posBody(),
    connections: STAMPEDE,
    amount: STAMPEDE,
  });
  await control("faults", undefined, "DELETE");

  const stampede = {
    callers: STAMPEDE,
    gateway: {
      upstreamCalls: total(stampedeCalls),
      commits: stampedeCommits,
      lastAnsweredMs: Math.round(gatewayStampede.wallMs),
      maxLatencyMs: Math.round(Math.max(...gatewayStampede.samples)),
      statuses: gatewayStampede.statuses,
    },
    passthrough: {
      distinctOrders: STAMPEDE,
      lastAnsweredMs: Math.round(passStampede.wallMs),
      maxLatencyMs: Math.round(Math.max(...passStampede.samples)),
      statuses: passStampede.statuses,
    },
  };
  return { accounting, results, stampede };
}
