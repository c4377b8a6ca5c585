// `npm run bench:profile`: where the gateway's CPU time goes, by V8's sampling profiler inside
// workerd. The sandbox and the gateway run in Miniflare as `npm run bench` runs them, but the
// gateway unminified (its functions keep their names) and with its inspector open; each path
// (POS pay, reserve, confirm, GET) is sent one request at a time while the profiler samples
// every 100 µs, and the time is summed by source file (esbuild's `// path` comments in the
// bundle) and by function. Storage and network waits are idle time to the profiler: what it
// shows is JavaScript and the runtime work it calls (SQLite statements, crypto, RPC encoding).
// `-- --floor` profiles the wake floor's POS pay instead (bench/two-commit-floor.ts, POST
// /wake), the same way: what the floor's thread does per pay, beside the gateway's.
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { SignJWT } from "jose";
import { startMiniflare } from "./miniflare-targets.mjs";
import { freshSecrets } from "./targets.mjs";

const N = Number(process.env.PROFILE_REQUESTS ?? 400);
const INTERVAL_US = 100;
/** Rows shown per table (`PROFILE_TOP`). */
const TOP = Number(process.env.PROFILE_TOP ?? 12);

const freePort = () =>
  new Promise((done) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function inspector(port) {
  let targets = [];
  for (let i = 0; i < 50 && targets.length === 0; i++) {
    targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json().catch(() => []);
    if (targets.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  const target = targets.find((t) => t.title?.includes("gateway")) ?? targets[0];
  if (!target) throw new Error("the gateway's inspector lists no target");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((done, fail) => {
    ws.onopen = done;
    ws.onerror = fail;
  });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    }
  };
  const send = (method, params = {}) =>
    new Promise((done) => {
      waiting.set(++id, done);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** Line number -> the source file esbuild bundled there (its `// path` comment lines). */
function moduleMap(bundlePath) {
  const starts = [];
  readFileSync(bundlePath, "utf8")
    .split("\n")
    .forEach((line, i) => {
      const m = /^\/\/ ((?:\.\.\/)*[\w@./-]+\.(?:ts|js|mjs|json))$/.exec(line);
      if (m) starts.push([i, m[1].replace(/^(\.\.\/)+/, "").replace(/^node_modules\//, "")]);
    });
  return (line) => {
    let found = "(runtime)";
    for (const [at, path] of starts) {
      if (at > line) break;
      found = path;
    }
    return found;
  };
}

/** The project's own sources are shown by file, dependencies by package. */
const PROJECT = /^(functions|durable-objects|linepay|model)\//;
const packageOf = (file) =>
  file.startsWith("(")
    ? file
    : file
        .split("/")
        .slice(0, file.startsWith("@") ? 2 : 1)
        .join("/");

function summarize(name, profile, ops, moduleOf) {
  const self = new Map(profile.nodes.map((n) => [n.id, 0]));
  for (let i = 0; i < profile.samples.length; i++) {
    const node = profile.samples[i];
    self.set(node, (self.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byModule = new Map();
  const byFunction = new Map();
  let busy = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    const fn = node.callFrame.functionName || "(anonymous)";
    if (fn === "(idle)" || fn === "(root)") continue;
    busy += us;
    const file = node.callFrame.url ? moduleOf(node.callFrame.lineNumber) : fn;
    const key = PROJECT.test(file) ? file : packageOf(file);
    byModule.set(key, (byModule.get(key) ?? 0) + us);
    const fkey = `${fn} (${file})`;
    byFunction.set(fkey, (byFunction.get(fkey) ?? 0) + us);
  }
  const perOp = (us) => `${(us / 1000 / ops).toFixed(3)} ms`;
  console.log(`\n${name}: ${ops} requests, one at a time; busy (not idle) ${perOp(busy)} per request`);
  const top = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `    ${perOp(us).padStart(9)}  ${((us / busy) * 100).toFixed(0).padStart(3)}%  ${k}`)
      .join("\n");
  console.log(`  by source file or package:\n${top(byModule, TOP)}`);
  console.log(`  by function:\n${top(byFunction, TOP)}`);
}

const myCode = () => String(randomInt(1e9, 9e9)) + String(randomInt(1e8, 9e8));
const posBody = (id) =>
  JSON.stringify({ productName: "Coffee", amount: 450, currency: "JPY", orderId: id, oneTimeKey: myCode() });

const FLOOR = process.argv.includes("--floor");
const secrets = freshSecrets();
const inspectorPort = await freePort();
const inspected = FLOOR ? "twoCommitFloor" : "gateway";
const { targets, stop } = await startMiniflare(secrets, {
  only: ["sandbox", inspected],
  inspect: inspected,
  inspectorPort,
});
try {
  if (FLOOR) {
    await profileFloor(targets.twoCommitFloor.url);
  } else {
    await profileGateway();
  }
} finally {
  await stop();
}

async function profiler() {
  const cdp = await inspector(inspectorPort);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: INTERVAL_US });
  const moduleOf = moduleMap(`.build/bench/${inspected}.js`);
  const profiled = async (name, work) => {
    await cdp.send("Profiler.start");
    await work();
    const { result } = await cdp.send("Profiler.stop");
    summarize(name, result.profile, N, moduleOf);
  };
  return { profiled, close: () => cdp.close() };
}

async function profileFloor(url) {
  const run = Date.now().toString(36);
  const pay = async (id) => {
    const res = await fetch(`${url}/wake`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: posBody(id),
    });
    if (!res.ok) throw new Error(`wake floor: ${res.status}`);
    await res.text();
  };
  for (let i = 0; i < 50; i++) await pay(`prof-${run}-warm-${i}`);
  const { profiled, close } = await profiler();
  await profiled("wake floor POS pay (a new order)", async () => {
    for (let i = 0; i < N; i++) await pay(`prof-${run}-floor-${i}`);
  });
  close();
}

async function profileGateway() {
  const gw = targets.gateway.url;
  const sb = targets.sandbox.url;
  const token = await new SignJWT({ scope: "payments pos" })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience("linepay-gateway")
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(secrets.AUTH_JWT_SECRET));
  const headers = { "Content-Type": "application/json", Authorization: `Bearer ${token}` };
  const run = Date.now().toString(36);
  const send = async (method, path, body) => {
    const res = await fetch(`${gw}${path}`, { method, headers, body: body && JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const pos = (id) => send("POST", "/v1/pos/payments", JSON.parse(posBody(id)));
  const reserveBody = (id) => ({
    amount: 1000,
    currency: "JPY",
    orderId: id,
    packages: [
      { id: "pkg-1", amount: 1000, name: "Shop", products: [{ name: "Green tea", quantity: 1, price: 1000 }] },
    ],
    redirectUrls: { confirmUrl: "https://shop.example/confirm", cancelUrl: "https://shop.example/cancel" },
  });
  const ids = (prefix) => Array.from({ length: N }, (_, i) => `prof-${run}-${prefix}-${i}`);

  // Warm every path once so that compilation is not profiled.
  for (let i = 0; i < 50; i++) await pos(`prof-${run}-warm-${i}`);
  const warm = await send("POST", "/v1/payments", reserveBody(`prof-${run}-warm-r`));
  await fetch(`${sb}/__sandbox/reservations/${warm.transactionId}/approve`, { method: "POST" });
  await send("POST", `/v1/payments/prof-${run}-warm-r/confirm`, { amount: 1000, currency: "JPY" });

  const { profiled, close } = await profiler();
  const posIds = ids("pos");
  await profiled("POS pay (a new order)", async () => {
    for (const id of posIds) await pos(id);
  });
  const reserved = ids("reserve");
  const transactions = [];
  await profiled("reserve (POST /v1/payments)", async () => {
    for (const id of reserved) transactions.push((await send("POST", "/v1/payments", reserveBody(id))).transactionId);
  });
  for (const tx of transactions) await fetch(`${sb}/__sandbox/reservations/${tx}/approve`, { method: "POST" });
  await profiled("confirm (POST /v1/payments/{orderId}/confirm)", async () => {
    for (const id of reserved) await send("POST", `/v1/payments/${id}/confirm`, { amount: 1000, currency: "JPY" });
  });
  await profiled("GET /v1/payments/{orderId}", async () => {
    for (const id of posIds) await send("GET", `/v1/payments/${id}`);
  });
  close();
}
