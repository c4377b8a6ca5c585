// autocannon, keeping every response time it reports, and the summary of one run.
import autocannon from "autocannon";

/**
 * Runs autocannon and keeps every response time: autocannon's own histogram rounds to whole
 * milliseconds, and the gateway's overhead is measured in fractions of one.
 */
export function load({ url, method = "POST", headers = {}, body, path, connections, amount, duration }) {
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

/** Several runs of one scenario (its turns in a round-robin), as one run for `summary`. */
export const mergeRuns = (runs) => ({
  result: {
    requests: { sent: runs.reduce((n, r) => n + r.result.requests.sent, 0) },
    errors: runs.reduce((n, r) => n + r.result.errors, 0),
    timeouts: runs.reduce((n, r) => n + r.result.timeouts, 0),
  },
  samples: runs.flatMap((r) => r.samples),
  statuses: runs.reduce((all, r) => {
    for (const [status, n] of Object.entries(r.statuses)) all[status] = (all[status] ?? 0) + n;
    return all;
  }, {}),
  wallMs: runs.reduce((ms, r) => ms + r.wallMs, 0),
});

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summary(name, callers, { result, samples, statuses, wallMs }) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => +percentile(sorted, p).toFixed(3);
  return {
    name,
    callers,
    p50: at(50),
    p99: at(99),
    max: at(100),
    rps: Math.round(samples.length / (wallMs / 1000)),
    requests: samples.length,
    sent: result.requests.sent,
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
