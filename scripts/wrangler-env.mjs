// The environment every `wrangler dev` of this project runs in: `npm start` (scripts/start.mjs),
// the benchmark's --wrangler mode and the tests that kill a real runtime. One place, so that the
// benchmark measures what `npm start` users run.

/** `env` (the caller's environment) with the settings every `wrangler dev` here needs. */
export function wranglerDevEnv(env = process.env) {
  return {
    ...env,
    // wrangler reads .env files only when allowed to; `--env-file` depends on it.
    CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true",
    // wrangler's local trace store (on by default) records every span of every request, each
    // SQL statement, fetch and alarm, into a SQLite object of its own under --persist-to: about
    // 12 KB on disk and 3 ms of the gateway's CPU per POS pay (BENCHMARKS.md). Off unless the
    // developer asks for it with X_LOCAL_OBSERVABILITY=true; a deployed Worker has no such store.
    X_LOCAL_OBSERVABILITY: env.X_LOCAL_OBSERVABILITY ?? "false",
  };
}
