// `npm run readme:check`: runs the README's shell blocks, in order, in one bash, against a
// running `npm start` stack, and fails on the first command that fails. Every ```sh block runs
// except those marked ```sh norun (set-up and deploy commands). The blocks are written for the
// default ports; against a stack on other ports (the browser tests run one) the URLs of the
// gateway, sandbox and demo shop are rewritten to that stack's before running.
// Options: --gateway URL --sandbox URL --demo URL (default: npm start's 8787, 8788, 8789).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const DEFAULTS = { gateway: "http://127.0.0.1:8787", sandbox: "http://127.0.0.1:8788", demo: "http://127.0.0.1:8789" };

/** The ```sh blocks of `markdown` that are meant to run, with the line each starts on. */
export function shellBlocks(markdown) {
  const blocks = [];
  const fence = /^```sh([^\n]*)\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(fence)) {
    if (/\bnorun\b/.test(m[1])) continue;
    blocks.push({ line: markdown.slice(0, m.index).split("\n").length, code: m[2] });
  }
  return blocks;
}

/**
 * Runs `blocks` in one `bash` (set -euo pipefail: the first failing command fails the run) in
 * `cwd`; resolves with its exit code and output. The script says which block it is in on stderr.
 */
export function runBlocks(blocks, { urls = DEFAULTS, cwd = process.cwd(), timeoutMs = 120_000 } = {}) {
  const rewrite = (code) =>
    Object.entries(DEFAULTS).reduce((text, [name, url]) => text.replaceAll(url, urls[name] ?? url), code);
  const script = [
    "set -euo pipefail",
    ...blocks.map((b) => `echo "--- README.md line ${b.line}" >&2\n${rewrite(b.code)}`),
  ].join("\n");
  return new Promise((done) => {
    const bash = spawn("bash", ["-c", script], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    bash.stdout.on("data", (c) => (stdout += c));
    bash.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => bash.kill("SIGKILL"), timeoutMs);
    bash.on("exit", (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const urls = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS)) {
    const i = process.argv.indexOf(`--${name}`);
    if (i > 0 && process.argv[i + 1]) urls[name] = process.argv[i + 1];
  }
  const blocks = shellBlocks(readFileSync("README.md", "utf8"));
  const { code, stdout, stderr } = await runBlocks(blocks, { urls });
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  console.log(code === 0 ? `README: ${blocks.length} blocks ran` : `README: a block failed (exit ${code})`);
  process.exit(code);
}
