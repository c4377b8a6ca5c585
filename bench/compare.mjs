// `npm run bench:compare [-- --wrangler]`: a quick A/B of the gateway's POS pay against the
// passthrough and the two floors, in Miniflare (or each Worker under `wrangler dev`), the targets
// taking turns in short rounds so that the shared machine's drift falls on all of them alike.
// For trying a change; `npm run bench` is the record.
import { randomInt } from "node:crypto";
import { SignJWT } from "jose";
import { load, mergeRuns, summary } from "./load.mjs";
import { startMiniflare } from "./miniflare-targets.mjs";
import { freshSecrets } from "./targets.mjs";
import { startWrangler } from "./wrangler-targets.mjs";

const ROUNDS = Number(process.env.COMPARE_ROUNDS ?? 5);
const PER_ROUND = Number(process.env.COMPARE_REQUESTS ?? 300);
const CONCURRENT_SECONDS = Number(process.env.COMPARE_SECONDS ?? 3);

const secrets = freshSecrets();
// Only the Workers compared (idle ones would still take CPU); `-- --wrangler`: each under
// `wrangler dev` instead, as `npm run bench -- --wrangler` runs them.
const only = ["sandbox", "passthrough", "twoCommitFloor", "gateway"];
const { targets, stop } = process.argv.includes("--wrangler")
  ? await startWrangler(secrets, { only })
  : await startMiniflare(secrets, { only });
try {
  const token = await new SignJWT({ scope: "payments pos deposits" })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience("linepay-gateway")
    .setExpirationTime("2h")
    .sign(new TextEncoder().encode(secrets.AUTH_JWT_SECRET));
  const run = `${process.pid}-${Date.now().toString(36)}`;
  let seq = 0;
  const body = () =>
    JSON.stringify({
      productName: "Coffee",
      amount: 450,
      currency: "JPY",
      orderId: `cmp-${run}-${++seq}`,
      oneTimeKey: String(randomInt(1e9, 9e9)) + String(randomInt(1e8, 9e8)),
    });
  const json = { "Content-Type": "application/json" };
  const scenarios = [
    { name: "passthrough", url: targets.passthrough.url, headers: json, body },
    { name: "twoCommitFloor", url: targets.twoCommitFloor.url, headers: json, body },
    { name: "wakeFloor", url: `${targets.twoCommitFloor.url}/wake`, headers: json, body },
    {
      name: "gatewayPay",
      url: `${targets.gateway.url}/v1/pos/payments`,
      headers: { ...json, Authorization: `Bearer ${token}` },
      body,
    },
  ];
  for (const s of scenarios) await load({ ...s, connections: 1, amount: 50 });
  const one = Object.fromEntries(scenarios.map((s) => [s.name, []]));
  const many = Object.fromEntries(scenarios.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of scenarios) one[s.name].push(await load({ ...s, connections: 1, amount: PER_ROUND }));
    for (const s of scenarios) many[s.name].push(await load({ ...s, connections: 64, duration: CONCURRENT_SECONDS }));
  }
  const rows = scenarios.map((s) => {
    const a = summary(s.name, 1, mergeRuns(one[s.name]));
    const b = summary(s.name, 64, mergeRuns(many[s.name]));
    return { name: s.name, p50: a.p50, p99: a.p99, rps1: a.rps, rps64: b.rps };
  });
  console.table(rows);
  const row = Object.fromEntries(rows.map((r) => [r.name, r]));
  const [floor, wake, gateway] = [row.twoCommitFloor, row.wakeFloor, row.gatewayPay];
  const d = (a, b) => (a - b >= 0 ? "+" : "") + (a - b).toFixed(2);
  console.log(
    `gateway − twoCommitFloor p50 ${d(gateway.p50, floor.p50)} ms, p99 ${d(gateway.p99, floor.p99)} ms, ` +
      `64 callers ${Math.round((gateway.rps64 / floor.rps64) * 100)}%; ` +
      `gateway − wakeFloor p50 ${d(gateway.p50, wake.p50)} ms, 64 callers ${Math.round((gateway.rps64 / wake.rps64) * 100)}%`,
  );
} finally {
  await stop();
}
