// The default mode: every Worker in its own Miniflare (its own workerd) on its own loopback
// port, like separate hosts, bundled and minified the way `wrangler deploy` ships them.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { COMPAT, WORKERS, pick } from "./targets.mjs";

async function bundle(entry, outfile, minify = true) {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    target: "es2024",
    outfile,
    minify,
    external: ["cloudflare:workers"],
    logLevel: "warning",
  });
  return outfile;
}

/**
 * Starts every Worker (or those in `only`); resolves to { targets: name -> { url, persistRoot,
 * startCommits, logBytes() }, stop() }. Miniflare's API adds no writes of its own to a Durable
 * Object (startCommits: 0; see commits.mjs). `inspect`: a Worker to bundle unminified (its
 * functions keep their names) with its workerd's V8 inspector on `inspectorPort` (profile.mjs).
 */
export async function startMiniflare(secrets, { only, inspect, inspectorPort } = {}) {
  mkdirSync(".build/bench", { recursive: true });
  const tmp = mkdtempSync(join(os.tmpdir(), "linepay-bench-"));
  const instances = [];
  const targets = {};
  const stop = async () => {
    await Promise.allSettled(instances.map((mf) => mf.dispose()));
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    let sandboxUrl;
    for (const [name, worker] of Object.entries(WORKERS)) {
      if (only && !only.includes(name)) continue;
      const persistRoot = join(tmp, name);
      let logBytes = 0;
      const mf = new Miniflare(
        convertV4MiniflareOptions({
          host: "127.0.0.1",
          port: 0,
          ...(name === inspect ? { inspectorPort } : {}),
          // Durable Object SQLite files in a known place, so that commits can be counted.
          resourcePersistencePath: persistRoot,
          // Worker logs are counted, not printed: printing them in the load generator's
          // process would slow the measurement, not the Worker.
          handleStructuredLogs: ({ message }) => {
            logBytes += message.length + 1;
          },
          workers: [
            {
              name,
              modules: true,
              scriptPath: await bundle(worker.entry, `.build/bench/${name}.js`, name !== inspect),
              compatibilityDate: COMPAT,
              ...(worker.objects
                ? {
                    durableObjects: Object.fromEntries(
                      Object.entries(worker.objects).map(([binding, className]) => [
                        binding,
                        { className, useSQLite: true },
                      ]),
                    ),
                  }
                : {}),
              ...(worker.kv ? { kvNamespaces: worker.kv } : {}),
              ...(worker.queues
                ? { queueProducers: worker.queues.producers, queueConsumers: worker.queues.consumers }
                : {}),
              bindings: {
                ...pick(secrets, worker.secrets),
                ...worker.vars,
                ...(worker.upstream ? { LINEPAY_API_BASE: sandboxUrl } : {}),
              },
            },
          ],
        }),
      );
      instances.push(mf);
      const url = (await mf.ready).origin;
      if (name === "sandbox") sandboxUrl = url;
      targets[name] = { url, persistRoot, startCommits: 0, logBytes: () => logBytes };
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { targets, stop };
}
