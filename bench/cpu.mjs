// `node bench/cpu.mjs`: what the CPU work of one POS pay costs, step by step, outside storage and
// the network (bench/cpu-entry.ts, bundled by esbuild for Node; V8 as in workerd). Each step is
// warmed, then timed over many runs; the median of five rounds is printed. Node's WebCrypto
// hands each HMAC and digest to its thread pool, so the JWT and fingerprint steps here are
// upper bounds: workerd's crypto.subtle does them on the calling thread.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const dir = mkdtempSync(join(tmpdir(), "bench-cpu-"));
try {
  const outfile = join(dir, "cpu.mjs");
  await build({
    entryPoints: ["bench/cpu-entry.ts"],
    bundle: true,
    format: "esm",
    platform: "node",
    outfile,
    logLevel: "error",
  });
  const { steps } = await import(pathToFileURL(outfile).href);
  const table = await steps();
  const RUNS = 5_000;
  console.log(`Node ${process.version}, ${RUNS} runs per round, median of 5 rounds:`);
  let total = 0;
  for (const [name, step] of Object.entries(table)) {
    for (let i = 0; i < 500; i++) await step();
    const rounds = [];
    for (let r = 0; r < 5; r++) {
      const began = performance.now();
      for (let i = 0; i < RUNS; i++) await step();
      rounds.push(((performance.now() - began) / RUNS) * 1000);
    }
    const median = rounds.sort((a, b) => a - b)[2];
    total += median;
    console.log(`  ${name}: ${median.toFixed(1)} µs`);
  }
  console.log(`  all of them: ${total.toFixed(1)} µs`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
