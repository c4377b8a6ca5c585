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
import { Miniflare } from "miniflare";
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

const sandbox = new Miniflare({
  name: "sandbox",
  modules: true,
  scriptPath: await bundle("sandbox/index.ts", ".build/bench/sandbox.js"),
  compatibilityDate: COMPAT,
  host: "127.0.0.1",
  port: 0,
  bindings: { LINEPAY_CHANNEL_ID: secrets.LINEPAY_CHANNEL_ID, LINEPAY_CHANNEL_SECRET: secrets.LINEPAY_CHANNEL_SECRET },
});
const sandboxUrl = (await sandbox.ready).origin;

const passthrough = new Miniflare({
  name: "passthrough",
  modules: true,
  scriptPath: await bundle("bench/passthrough.ts", ".build/bench/passthrough.js"),
  compatibilityDate: COMPAT,
  host: "127.0.0.1",
  port: 0,
  bindings: {
    LINEPAY_API_BASE: sandboxUrl,
    LINEPAY_CHANNEL_ID: secrets.LINEPAY_CHANNEL_ID,
    LINEPAY_CHANNEL_SECRET: secrets.LINEPAY_CHANNEL_SECRET,
  },
});
const passthroughUrl = (await passthrough.ready).origin;

const gateway = new Miniflare({
  name: "gateway",
  modules: true,
  scriptPath: await bundle("functions/index.ts", ".build/bench/gateway.js"),
  compatibilityDate: COMPAT,
  host: "127.0.0.1",
  port: 0,
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
const oneTimeKey = () => String(randomInt(1e9, 9e9)) + String(randomInt(1e8, 9e8)) + String(randomInt(10, 99));
const posBody = (orderId = `bench-${process.pid}-${++seq}`) =>
  JSON.stringify({ productName: "Coffee", amount: 450, currency: "JPY", orderId, oneTimeKey: oneTimeKey() });

const v2Headers = {
  "Content-Type": "application/json",
  "X-LINE-ChannelId": secrets.LINEPAY_CHANNEL_ID,
  "X-LINE-ChannelSecret": secrets.LINEPAY_CHANNEL_SECRET,
  "X-LINE-MerchantDeviceType": "POS",
};
const gatewayHeaders = { "Content-Type": "application/json", Authorization: `Bearer ${token}` };

function load({ url, method = "POST", headers = {}, body, connections, amount, duration }) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        ...(amount ? { amount } : { duration }),
        timeout: 60,
        requests: [{ method, headers, ...(body ? { setupRequest: (req) => ({ ...req, body: body() }) } : {}) }],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

function summary(name, result) {
  const l = result.latency;
  return {
    name,
    p50: l.p50,
    p99: l.p99,
    max: l.max,
    rps: Math.round(result.requests.average),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    percentiles: {
      p1: l.p1,
      p10: l.p10,
      p25: l.p25,
      p50: l.p50,
      p75: l.p75,
      p90: l.p90,
      p97_5: l.p97_5,
      p99: l.p99,
      p99_9: l.p99_9,
      max: l.max,
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
  const getResult = await new Promise((resolve, reject) => {
    autocannon(
      {
        url: gatewayUrl,
        connections,
        ...size,
        requests: [
          {
            method: "GET",
            headers: gatewayHeaders,
            setupRequest: (req) => ({ ...req, path: `/v1/payments/${getIds[getSeq++ % getIds.length]}` }),
          },
        ],
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
  });
  results[mode].push(summary("gatewayGet", getResult));
}

// Stampede: STAMPEDE identical pays for one order, LINE Pay answering after 200 ms, beside the
// passthrough answering STAMPEDE distinct orders sent at once with the same 200 ms.
const stampedeId = `bench-stampede-${process.pid}`;
const stampedeBody = posBody(stampedeId);
await control("faults", { operation: "pos.pay", orderId: stampedeId, fault: { type: "delay", ms: 200 } });
let t0 = performance.now();
const gatewayStampede = await load({
  url: scenarios.gatewayPay.url,
  headers: gatewayHeaders,
  body: () => stampedeBody,
  connections: STAMPEDE,
  amount: STAMPEDE,
});
const gatewayStampedeMs = performance.now() - t0;
const stampedeCalls =
  (await (await fetch(`${sandboxUrl}/__sandbox/calls?orderId=${stampedeId}`)).json()).calls["pos.pay"] ?? 0;
await control("faults", { operation: "pos.pay", fault: { type: "delay", ms: 200 }, times: STAMPEDE });
t0 = performance.now();
const passStampede = await load({ ...scenarios.passthrough, connections: STAMPEDE, amount: STAMPEDE });
const passStampedeMs = performance.now() - t0;
await fetch(`${sandboxUrl}/__sandbox/faults`, { method: "DELETE" });

const stampede = {
  callers: STAMPEDE,
  gateway: {
    upstreamCalls: stampedeCalls,
    lastAnsweredMs: Math.round(gatewayStampedeMs),
    maxLatencyMs: gatewayStampede.latency.max,
    non2xx: gatewayStampede.non2xx,
    errors: gatewayStampede.errors,
  },
  passthrough: {
    distinctOrders: STAMPEDE,
    lastAnsweredMs: Math.round(passStampedeMs),
    maxLatencyMs: passStampede.latency.max,
    non2xx: passStampede.non2xx,
    errors: passStampede.errors,
  },
};

await Promise.all([gateway.dispose(), passthrough.dispose(), sandbox.dispose()]);

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
lines.push("| scenario | callers | p50 ms | p99 ms | max ms | req/s |");
lines.push("|---|---|---|---|---|---|");
for (const mode of ["sequential", "concurrent"]) {
  for (const r of results[mode])
    lines.push(
      `| ${r.name} | ${mode === "sequential" ? 1 : 64} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.rps} |`,
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
  `Stampede: ${STAMPEDE} identical POS pays for one order, LINE Pay answering after 200 ms: ${stampede.gateway.upstreamCalls} upstream call(s), last caller answered after ${stampede.gateway.lastAnsweredMs} ms; the passthrough answered ${STAMPEDE} distinct orders after ${stampede.passthrough.lastAnsweredMs} ms (ratio ${(stampede.gateway.lastAnsweredMs / stampede.passthrough.lastAnsweredMs).toFixed(2)}).`,
);
lines.push(
  `Bundle (wrangler deploy --dry-run --minify): ${bundleSize.minifiedKiB} KiB minified, ${bundleSize.gzipKiB} KiB gzipped.`,
);
const table = lines.join("\n");
console.log(`\n${table}\n`);

writeFileSync("docs/bench-latency.svg", latencyChart(results, machine));
if (!QUICK) {
  const doc = readFileSync("BENCHMARKS.md", "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) writeFileSync("BENCHMARKS.md", `${doc.slice(0, i + start.length)}\n${table}\n${doc.slice(j)}`);
}
