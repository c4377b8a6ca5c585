// A dependency-free SVG of latency percentile curves: one panel per load (one caller, 64
// callers), one line per scenario, percentile on x and milliseconds on a log y axis.

const COLORS = {
  sandbox: "#8c8c8c",
  passthrough: "#1f77b4",
  objectFloor: "#9467bd",
  twoCommitFloor: "#d62728",
  wakeFloor: "#e377c2",
  gatewayPay: "#06c755",
  gatewayPayMerchant: "#2ca02c",
  gatewayPayEvents: "#bcbd22",
  passthroughGet: "#17becf",
  gatewayGet: "#ff7f0e",
};
const POINTS = [
  ["p1", 1],
  ["p10", 10],
  ["p25", 25],
  ["p50", 50],
  ["p75", 75],
  ["p90", 90],
  ["p97_5", 97.5],
  ["p99", 99],
  ["p99_9", 99.9],
  ["max", 100],
];

function panel(title, rows, x0, width, height) {
  const values = rows.flatMap((r) => POINTS.map(([k]) => Math.max(r.percentiles[k] ?? 0, 0.05)));
  const lo = Math.log10(Math.min(...values) * 0.8);
  const hi = Math.log10(Math.max(...values) * 1.25);
  const px = (p) => x0 + 50 + ((Math.log10(101 - 1) - Math.log10(101 - p)) / Math.log10(100)) * (width - 70);
  const py = (ms) => 30 + (height - 70) * (1 - (Math.log10(Math.max(ms, 0.05)) - lo) / (hi - lo));
  const parts = [`<text x="${x0 + width / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>`];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) < lo || Math.log10(v) > hi) continue;
      parts.push(`<line x1="${x0 + 50}" x2="${x0 + width - 20}" y1="${py(v)}" y2="${py(v)}" stroke="#eee"/>`);
      parts.push(`<text x="${x0 + 45}" y="${py(v) + 4}" text-anchor="end" font-size="10">${v} ms</text>`);
    }
  }
  for (const [label, p] of POINTS) {
    parts.push(
      `<text x="${px(p)}" y="${height - 22}" text-anchor="middle" font-size="10">${label.replace("_", ".")}</text>`,
    );
  }
  for (const r of rows) {
    const d = POINTS.map(
      ([k, p], i) => `${i ? "L" : "M"}${px(p).toFixed(1)},${py(r.percentiles[k] ?? 0).toFixed(1)}`,
    ).join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="${COLORS[r.name] ?? "#000"}" stroke-width="2"/>`);
  }
  return parts.join("\n");
}

export function latencyChart(results, machine, label) {
  const width = 460;
  const height = 300;
  const legend = Object.entries(COLORS)
    .map(
      ([name, color], i) =>
        `<rect x="${20 + i * 128}" y="${height + 5}" width="12" height="12" fill="${color}"/><text x="${36 + i * 128}" y="${height + 15}">${name}</text>`,
    )
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width * 2}" height="${height + 45}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${panel("Latency, one caller", results.sequential, 0, width, height)}
${panel("Latency, 64 callers", results.concurrent, width, width, height)}
${legend}
<text x="${width * 2 - 10}" y="${height + 38}" text-anchor="end" font-size="10" fill="#666">${label}; ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.date}; percentile (x) against latency (log y)</text>
</svg>
`;
}
