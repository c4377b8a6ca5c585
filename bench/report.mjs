// Turns one run into the printed table, bench/results/*.json, a chart and (full runs only) the
// run's own generated section of BENCHMARKS.md: one section per mode, so both live side by side.
import { readFileSync, writeFileSync } from "node:fs";
import { latencyChart } from "./chart.mjs";

const MODE_LABEL = {
  miniflare: "Miniflare API, one workerd per Worker",
  wrangler: "`wrangler dev`, one process per Worker, as `npm start` runs them",
};
const CHART = { miniflare: "docs/bench-latency.svg", wrangler: "docs/bench-latency-wrangler.svg" };

const ms = (n) => (Number.isFinite(n) ? n.toFixed(2) : String(n));
const signed = (n) => (n >= 0 ? `+${ms(n)}` : ms(n));
const count = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
const pct = (n) => `${Math.round(n * 100)}%`;
const verdict = (ok) => (ok ? "met" : "not met");
const statusText = (s) =>
  Object.entries(s)
    .map(([code, n]) => `${n}×${code}`)
    .join(" ");

const commitsCell = (a) => `${a.commits.uncertain > 0 ? "≥" : ""}${count(+a.commitsPerOp.toFixed(2))}`;

export function renderSection(r) {
  const by = (mode, name) => r.results[mode].find((x) => x.name === name);
  const lines = [];
  const m = r.machine;
  lines.push(`Mode: ${MODE_LABEL[r.mode]}. Command: \`${r.command}\` at commit \`${r.commit}\`.`);
  lines.push("");
  lines.push(
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, object storage under ${m.tmpdir}, ${m.date}${r.quick ? " (quick run)" : ""}.`,
  );
  if (r.rounds) {
    lines.push("");
    lines.push(
      `Each scenario's ${r.sequentialRequests} requests (one caller) and ${r.concurrentSeconds} s (64 callers) in ${r.rounds} turns, the scenarios taking turns.`,
    );
  }
  lines.push("");
  lines.push("| scenario | callers | p50 ms | p99 ms | max ms | req/s | commits/op | LINE Pay calls/op | answers |");
  lines.push("|---|---|---|---|---|---|---|---|---|");
  for (const mode of ["sequential", "concurrent"]) {
    for (const row of r.results[mode]) {
      const a = r.accounting[mode][row.name];
      lines.push(
        `| ${row.name} | ${row.callers} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.max)} | ${row.rps} | ${commitsCell(a)} | ${count(+a.upstreamPerOp.toFixed(2))} | ${statusText(row.statuses)} |`,
      );
    }
  }
  const seq = (n) => by("sequential", n);
  const con = (n) => by("concurrent", n);
  const [g, f, p] = [seq("gatewayPay"), seq("twoCommitFloor"), seq("passthrough")];
  const [gc, fc, pc] = [con("gatewayPay"), con("twoCommitFloor"), con("passthrough")];
  const [gg, pg] = [seq("gatewayGet"), seq("passthroughGet")];
  const st = r.stampede;
  const stampedeOk =
    st.gateway.upstreamCalls === 1 &&
    (st.gateway.statuses[200] ?? 0) === st.callers &&
    st.gateway.lastAnsweredMs < st.passthrough.lastAnsweredMs;
  lines.push("");
  lines.push(
    `- POS pay, one caller: gateway − two-commit floor p50 ${signed(g.p50 - f.p50)} ms (target ≤ 1 ms: ${verdict(g.p50 - f.p50 <= 1)}), p99 ${signed(g.p99 - f.p99)} ms (target ≤ 3 ms: ${verdict(g.p99 - f.p99 <= 3)}); gateway − passthrough p50 ${signed(g.p50 - p.p50)} ms, p99 ${signed(g.p99 - p.p99)} ms.`,
  );
  lines.push(
    `- POS pay, 64 callers: the gateway reaches ${pct(gc.rps / fc.rps)} of the two-commit floor's throughput (target ≥ 90%: ${verdict(gc.rps / fc.rps >= 0.9)}) and ${pct(gc.rps / pc.rps)} of the passthrough's.`,
  );
  const [w, wc] = [seq("wakeFloor"), con("wakeFloor")];
  lines.push(
    `- POS pay against the floor with a durable wake-up (\`wakeFloor\`: the two-commit floor whose write-ahead commit also arms an alarm and whose settled commit removes it, as the gateway must, so that a crash mid-call is finished unasked): the alarm alone costs the floor p50 ${signed(w.p50 - f.p50)} ms and ${pct(1 - wc.rps / fc.rps)} of its throughput; gateway − wakeFloor p50 ${signed(g.p50 - w.p50)} ms, p99 ${signed(g.p99 - w.p99)} ms, 64 callers ${pct(gc.rps / wc.rps)} of its throughput.`,
  );
  lines.push(
    `- GET of an order, one caller: gateway − passthrough GET p50 ${signed(gg.p50 - pg.p50)} ms (target ≤ 0.5 ms: ${verdict(gg.p50 - pg.p50 <= 0.5)}), p99 ${signed(gg.p99 - pg.p99)} ms. The passthrough asks LINE Pay; the gateway answers from the order's object.`,
  );
  const [gm, ge, gmc, gec] = [
    seq("gatewayPayMerchant"),
    seq("gatewayPayEvents"),
    con("gatewayPayMerchant"),
    con("gatewayPayEvents"),
  ];
  const perOp = (name) => commitsCell(r.accounting.sequential[name]);
  lines.push(
    `- POS pay for a registered merchant (its token's \`merchant\` claim, its own channel, its record read through the directory's 5 s cache) against the default merchant: p50 ${ms(gm.p50)} vs ${ms(g.p50)} ms (${signed(gm.p50 - g.p50)}), p99 ${ms(gm.p99)} vs ${ms(g.p99)} ms (${signed(gm.p99 - g.p99)}); 64 callers ${gmc.rps} vs ${gc.rps} req/s (${pct(gmc.rps / gc.rps)}). Commits per pay ${perOp("gatewayPayMerchant")} vs ${perOp("gatewayPay")}.`,
  );
  lines.push(
    `- Events: the same merchant pay with an events webhook set (an outbox row written in the pay's commit, handed to the queue after it, delivered to a sink answering 204, the delivery journaled) against one without: p50 ${ms(ge.p50)} vs ${ms(gm.p50)} ms (${signed(ge.p50 - gm.p50)}), p99 ${ms(ge.p99)} vs ${ms(gm.p99)} ms (${signed(ge.p99 - gm.p99)}); 64 callers ${gec.rps} vs ${gmc.rps} req/s (${pct(gec.rps / gmc.rps)}); commits per pay ${perOp("gatewayPayEvents")} vs ${perOp("gatewayPayMerchant")}.`,
  );
  const sc = st.gateway.commits;
  lines.push(
    `- Stampede: ${st.callers} identical POS pays for one order, LINE Pay answering after 200 ms: ${st.gateway.upstreamCalls} LINE Pay call(s), ${sc.uncertain > 0 ? "≥" : ""}${sc.objects + sc.alarms + sc.kv} durable commit(s) in all, last caller answered after ${st.gateway.lastAnsweredMs} ms (${statusText(st.gateway.statuses)}); the passthrough answered ${st.passthrough.distinctOrders} distinct orders after ${st.passthrough.lastAnsweredMs} ms (target, one call, all answered, sooner: ${verdict(stampedeOk)}).`,
  );
  const tooling = Object.entries(r.accounting.sequential)
    .filter(([, a]) => a.toolingCommitsPerOp > 0)
    .map(([name, a]) => `${name} ${count(+a.toolingCommitsPerOp.toFixed(2))}`);
  const n = r.accountedOperations;
  lines.push(
    `- Commits and LINE Pay calls per operation: counted over ${n.sequential} operations with one caller and ${n.concurrent} with 64, target by target after the measured rounds, all answered; commits in the SQLite write-ahead logs of the target's Durable Objects (bench/commits.mjs), alarm scheduling and KV included ("≥": an object closed during the count), LINE Pay calls in the sandbox's \`GET /__sandbox/calls\`.`,
  );
  const written = ["objectFloor", "twoCommitFloor", "wakeFloor", "gatewayPay", "gatewayPayEvents"]
    .filter((name) => r.accounting.sequential[name]?.kibPerOp !== undefined)
    .map((name) => `${name} ${r.accounting.sequential[name].kibPerOp.toFixed(0)} KiB`);
  if (written.length > 0)
    lines.push(
      `- Written by the objects' commits per operation, one caller (whole SQLite pages in the write-ahead log; a new object creates its tables in its first commit): ${written.join(", ")}.`,
    );
  if (tooling.length > 0)
    lines.push(
      `- Not in the commits column: the local tooling's own commits per operation, one caller (wrangler dev records each Durable Object's name as the object starts; its local trace store is off, as under npm start): ${tooling.join(", ")}.`,
    );
  lines.push(
    `- Bundle (wrangler deploy --dry-run --minify): ${r.bundleSize.minifiedKiB} KiB minified, ${r.bundleSize.gzipKiB} KiB gzipped. All Workers answering ${(r.startupMs / 1000).toFixed(1)} s after the harness started them.`,
  );
  return lines.join("\n");
}

export function writeOutputs(r) {
  const json = JSON.stringify(r, null, 2);
  writeFileSync("bench/results/latest.json", json);
  writeFileSync(`bench/results/latest-${r.mode}.json`, json);
  const section = renderSection(r);
  console.log(`\n${section}\n`);
  // A quick run keeps its chart and its table to itself: the committed ones are full runs'.
  const chart = latencyChart(r.results, r.machine, MODE_LABEL[r.mode].replace(/`/g, ""));
  writeFileSync(r.quick ? `bench/results/latency-quick-${r.mode}.svg` : CHART[r.mode], chart);
  if (r.quick) return;
  const doc = readFileSync("BENCHMARKS.md", "utf8");
  const start = `<!-- bench:${r.mode}:start -->`;
  const end = `<!-- bench:${r.mode}:end -->`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) {
    console.warn(`BENCHMARKS.md has no ${start} … ${end} section: not updated.`);
    return;
  }
  writeFileSync("BENCHMARKS.md", `${doc.slice(0, i + start.length)}\n\n${section}\n\n${doc.slice(j)}`);
}
