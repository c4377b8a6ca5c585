// `npm run bench [-- --quick]`: the sandbox, a bare passthrough Worker and the gateway, each
// started with Miniflare's API on its own loopback port, driven by autocannon in this process.
// Prints p50 / p99 / max latency and requests/s for each scenario, the gateway / passthrough
// ratios, and the bundle size; writes bench/results/latest.json, docs/bench-latency.svg and the
// generated part of BENCHMARKS.md. No thresholds: benchmarks report, tests assert.
import { execFileSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { build } from "esbuild";
import { SignJWT } from "jose";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { latencyChart } from "./chart.mjs";

const QUICK = process.argv.includes("--quick");
const SEQUENTIAL_REQUESTS = QUICK ? 100 : 2000;
const CONCURRENT_SECONDS = QUICK ? 2 : 10;
const STAMPEDE = QUICK ? 100 : 1000;
const COMPAT = "2026-11-01";

mkdirSync(".build/bench", { recursive: true });
mkdirSync("bench/results", { recursive: true });

async function bundle(entry, outfile) {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    target: "es2024",
    outfile,
    minify: true,
    external: ["cloudflare:workers"],
    logLevel: "warning",
  });
  return outfile;
}

const secrets = {
  LINEPAY_CHANNEL_ID: String(randomInt(1_000_000_000, 2_000_000_000)),
  LINEPAY_CHANNEL_SECRET: randomBytes(16).toString("hex"),
  AUTH_JWT_SECRET: randomBytes(32).toString("base64url"),
  REGKEY_KEYS: JSON.stringify({ active: "k1", keys: { k1: randomBytes(32).toString("base64url") } }),
  DEPOSIT_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString("base64")}`,
};

/** One Miniflare (one workerd) per Worker, each on its own loopback port, like separate hosts. */
// Worker logs are consumed, not printed: the gateway logs each call, and printing them in the
// load generator's process would slow the measurement, not the gateway.
const start = (worker) =>
  new Miniflare(
    convertV4MiniflareOptions({ host: "127.0.0.1", port: 0, handleStructuredLogs: () => {}, workers: [worker] }),
  );

const sandbox = start({
  name: "sandbox",
  modules: true,
  scriptPath: await bundle("sandbox/index.ts", ".build/bench/sandbox.js"),
  compatibilityDate: COMPAT,
  bindings: { LINEPAY_CHANNEL_ID: secrets.LINEPAY_CHANNEL_ID, LINEPAY_CHANNEL_SECRET: secrets.LINEPAY_CHANNEL_SECRET },
});
const sandboxUrl = (await sandbox.ready).origin;

const passthrough = start({
  name: "passthrough",
  modules: true,
  scriptPath: await bundle("bench/passthrough.ts", ".build/bench/passthrough.js"),
  compatibilityDate: COMPAT,
  bindings: {
    LINEPAY_API_BASE: sandboxUrl,
    LINEPAY_CHANNEL_ID: secrets.LINEPAY_CHANNEL_ID,
    LINEPAY_CHANNEL_SECRET: secrets.LINEPAY_CHANNEL_SECRET,
  },
});
const passthroughUrl = (await passthrough.ready).origin;

const floor = start({
  name: "object-floor",
  modules: true,
  scriptPath: await bundle("bench/object-floor.ts", ".build/bench/object-floor.js"),
  compatibilityDate: COMPAT,
  durableObjects: { FLOOR: { className: "FloorObject", useSQLite: true } },
  bindings: {
    LINEPAY_API_BASE: sandboxUrl,
    LINEPAY_CHANNEL_ID: secrets.LINEPAY_CHANNEL_ID,
    LINEPAY_CHANNEL_SECRET: secrets.LINEPAY_CHANNEL_SECRET,
  },
});
const floorUrl = (await floor.ready).origin;

const gateway = start({
  name: "gateway",
  modules: true,
  scriptPath: await bundle("functions/index.ts", ".build/bench/gateway.js"),
  compatibilityDate: COMPAT,
  durableObjects: {
    ORDERS: { className: "OrderObject", useSQLite: true },
    REGKEY_LANES: { className: "RegKeyLane", useSQLite: true },
  },
  kvNamespaces: ["REGKEYS"],
  bindings: {
    ...secrets,
    LINEPAY_API_BASE: sandboxUrl,
    LINEPAY_DEVICE_TYPE: "POS",
    LINEPAY_POS_TIMEOUT_MS: "45000",
    LINEPAY_ONLINE_VERSION: "v3",
    AUTH_AUDIENCE: "linepay-gateway",
  },
});
const gatewayUrl = (await gateway.ready).origin;

const token = await new SignJWT({ scope: "payments pos deposits" })
  .setProtectedHeader({ alg: "HS256" })
  .setAudience("linepay-gateway")
  .setExpirationTime("2h")
  .sign(new TextEncoder().encode(secrets.AUTH_JWT_SECRET));

let seq = 0;
/** A fresh 19-digit My Code (LINE Pay Japan's length) for every request. */
const oneTimeKey = () => String(randomInt(1e9, 9e9)) + String(randomInt(1e8, 9e8));
const posBody = (orderId = `bench-${process.pid}-${++seq}`) =>
  JSON.stringify({ productName: "Coffee", amount: 450, currency: "JPY", orderId, oneTimeKey: oneTimeKey() });

const v2Headers = {
  "Content-Type": "application/json",
  "X-LINE-ChannelId": secrets.LINEPAY_CHANNEL_ID,
  "X-LINE-ChannelSecret": secrets.LINEPAY_CHANNEL_SECRET,
  "X-LINE-MerchantDeviceType": "POS",
};
const gatewayHeaders = { "Content-Type": "application/json", Authorization: `Bearer ${token}` };

/**
 * Runs autocannon and keeps every response time it reports: autocannon's own histogram rounds
 * to whole milliseconds, and the gateway's overhead is measured in fractions of one.
 */
function load({ url, method = "POST", headers = {}, body, path, connections, amount, duration }) {
  return new Promise((resolve, reject) => {
    const samples = [];
    const statuses = {};
    const started = performance.now();
    // autocannon reports on whole-second ticks; the last answer's own time is the true end.
    let lastAt = started;
    const instance = autocannon(
      {
        url,
        connections,
        ...(amount ? { amount } : { duration }),
        timeout: 60,
        requests: [
          {
            method,
            headers,
            setupRequest: (req) => ({ ...req, ...(body ? { body: body() } : {}), ...(path ? { path: path() } : {}) }),
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve({ result, samples, statuses, wallMs: lastAt - started })),
    );
    instance.on("response", (_client, status, _bytes, ms) => {
      samples.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
      lastAt = performance.now();
    });
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(name, { result, samples, statuses, wallMs }) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => +percentile(sorted, p).toFixed(3);
  return {
    name,
    p50: at(50),
    p99: at(99),
    max: at(100),
    rps: Math.round(samples.length / (wallMs / 1000)),
    requests: samples.length,
    statuses,
    errors: result.errors + result.timeouts,
    percentiles: {
      p1: at(1),
      p10: at(10),
      p25: at(25),
      p50: at(50),
      p75: at(75),
      p90: at(90),
      p97_5: at(97.5),
      p99: at(99),
      p99_9: at(99.9),
      max: at(100),
    },
  };
}

async function control(path, body) {
  const res = await fetch(`${sandboxUrl}/__sandbox/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status}`);
  return res.json();
}

const scenarios = {
  sandbox: { url: `${sandboxUrl}/v2/payments/oneTimeKeys/pay`, headers: v2Headers, body: () => posBody() },
  passthrough: { url: passthroughUrl, headers: { "Content-Type": "application/json" }, body: () => posBody() },
  objectFloor: { url: floorUrl, headers: { "Content-Type": "application/json" }, body: () => posBody() },
  gatewayPay: { url: `${gatewayUrl}/v1/pos/payments`, headers: gatewayHeaders, body: () => posBody() },
};

// Orders for the GET scenario, paid once through the gateway.
const getIds = Array.from({ length: 64 }, (_, i) => `bench-get-${process.pid}-${i}`);
for (const id of getIds)
  await fetch(`${gatewayUrl}/v1/pos/payments`, { method: "POST", headers: gatewayHeaders, body: posBody(id) });
let getSeq = 0;

const results = { sequential: [], concurrent: [] };
for (const [mode, connections] of [
  ["sequential", 1],
  ["concurrent", 64],
]) {
  const size = mode === "sequential" ? { amount: SEQUENTIAL_REQUESTS } : { duration: CONCURRENT_SECONDS };
  // Warm each target so first-request compilation is not measured.
  for (const s of Object.values(scenarios)) await load({ ...s, connections: 4, amount: 50 });
  for (const [name, s] of Object.entries(scenarios))
    results[mode].push(summary(name, await load({ ...s, connections, ...size })));
  const getLoad = await load({
    url: gatewayUrl,
    method: "GET",
    headers: gatewayHeaders,
    path: () => `/v1/payments/${getIds[getSeq++ % getIds.length]}`,
    connections,
    ...size,
  });
  results[mode].push(summary("gatewayGet", getLoad));
}

// Stampede: STAMPEDE identical pays for one order, LINE Pay answering after 200 ms, beside the
// passthrough answering STAMPEDE distinct orders sent at once with the same 200 ms.
const stampedeId = `bench-stampede-${process.pid}`;
const stampedeBody = posBody(stampedeId);
await control("faults", { operation: "pos.pay", orderId: stampedeId, fault: { type: "delay", ms: 200 } });
const gatewayStampede = await load({
  url: scenarios.gatewayPay.url,
  headers: gatewayHeaders,
  body: () => stampedeBody,
  connections: STAMPEDE,
  amount: STAMPEDE,
});
const stampedeCalls =
  (await (await fetch(`${sandboxUrl}/__sandbox/calls?orderId=${stampedeId}`)).json()).calls["pos.pay"] ?? 0;
await control("faults", { operation: "pos.pay", fault: { type: "delay", ms: 200 }, times: STAMPEDE });
const passStampede = await load({ ...scenarios.passthrough, connections: STAMPEDE, amount: STAMPEDE });
await fetch(`${sandboxUrl}/__sandbox/faults`, { method: "DELETE" });

const stampede = {
  callers: STAMPEDE,
  gateway: {
    upstreamCalls: stampedeCalls,
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

await Promise.all([gateway.dispose(), floor.dispose(), passthrough.dispose(), sandbox.dispose()]);

// Bundle: exactly what `wrangler deploy` would upload, minified.
execFileSync("wrangler", ["deploy", "--dry-run", "--minify", "--outdir", ".build/bundle"], { stdio: "ignore" });
const bundleBytes = readFileSync(".build/bundle/index.js");
const bundleSize = {
  minifiedKiB: +(statSync(".build/bundle/index.js").size / 1024).toFixed(1),
  gzipKiB: +(gzipSync(bundleBytes).length / 1024).toFixed(1),
};

const machine = {
  cores: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString().slice(0, 10),
};
const report = {
  machine,
  quick: QUICK,
  sequentialRequests: SEQUENTIAL_REQUESTS,
  concurrentSeconds: CONCURRENT_SECONDS,
  results,
  stampede,
  bundleSize,
};
writeFileSync("bench/results/latest.json", JSON.stringify(report, null, 2));

const by = (mode, name) => results[mode].find((r) => r.name === name);
const fmt = (n) => (typeof n === "number" ? n.toFixed(2) : String(n));
const lines = [];
lines.push(
  `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.node}, ${machine.date}${QUICK ? " (quick run)" : ""}`,
);
lines.push("");
const statusText = (s) =>
  Object.entries(s)
    .map(([code, n]) => `${n}×${code}`)
    .join(" ");
lines.push("| scenario | callers | p50 ms | p99 ms | max ms | req/s | answers |");
lines.push("|---|---|---|---|---|---|---|");
for (const mode of ["sequential", "concurrent"]) {
  for (const r of results[mode])
    lines.push(
      `| ${r.name} | ${mode === "sequential" ? 1 : 64} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.rps} | ${statusText(r.statuses)} |`,
    );
}
const seqG = by("sequential", "gatewayPay");
const seqP = by("sequential", "passthrough");
const conG = by("concurrent", "gatewayPay");
const conP = by("concurrent", "passthrough");
lines.push("");
lines.push(
  `Gateway-added latency over the passthrough, one request at a time: p50 ${fmt(seqG.p50 - seqP.p50)} ms, p99 ${fmt(seqG.p99 - seqP.p99)} ms.`,
);
lines.push(`Throughput at 64 concurrent distinct orders: gateway / passthrough = ${(conG.rps / conP.rps).toFixed(2)}.`);
lines.push(
  `Stampede: ${STAMPEDE} identical POS pays for one order, LINE Pay answering after 200 ms: ${stampede.gateway.upstreamCalls} upstream call(s), last caller answered after ${stampede.gateway.lastAnsweredMs} ms (${statusText(stampede.gateway.statuses)}); the passthrough answered ${STAMPEDE} distinct orders after ${stampede.passthrough.lastAnsweredMs} ms (ratio ${(stampede.gateway.lastAnsweredMs / stampede.passthrough.lastAnsweredMs).toFixed(2)}).`,
);
lines.push(
  `Bundle (wrangler deploy --dry-run --minify): ${bundleSize.minifiedKiB} KiB minified, ${bundleSize.gzipKiB} KiB gzipped.`,
);
const table = lines.join("\n");
console.log(`\n${table}\n`);

// A quick run keeps its chart to itself: the committed chart is the full run's.
writeFileSync(QUICK ? "bench/results/latency-quick.svg" : "docs/bench-latency.svg", latencyChart(results, machine));
if (!QUICK) {
  const doc = readFileSync("BENCHMARKS.md", "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) writeFileSync("BENCHMARKS.md", `${doc.slice(0, i + start.length)}\n${table}\n${doc.slice(j)}`);
}
