/**
 * Which Chromium the browser tests drive, found once per run by global-setup.ts:
 *
 * 1. `CHROMIUM_PATH`, when set (it must exist);
 * 2. Debian's `/usr/bin/chromium`, when installed;
 * 3. otherwise the headless shell that the npm package `@sparticuz/chromium` carries as a brotli
 *    archive, so that `npm install` is all a fresh machine needs (nothing is downloaded, and
 *    never `npx playwright install`).
 *
 * The package unpacks into `os.tmpdir()`, which every checkout on the machine shares and where a
 * killed run leaves a half-written binary that later runs would take as complete. So it is
 * unpacked here into this checkout's `.build/chromium/` instead (git-ignored), once, and a
 * marker written last says the unpacking finished.
 *
 * Headless as root it needs no flag of the package's own list (those are for AWS Lambda):
 * playwright-core already passes `--no-sandbox` (its `chromiumSandbox` defaults to false).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./stack";

export interface ChromiumFound {
  executablePath: string;
  /** where it came from, for messages */
  source: string;
}

const DEBIAN = "/usr/bin/chromium";
const CACHE = join(ROOT, ".build", "chromium");
const MARKER = join(CACHE, ".unpacked");

export async function findChromium(): Promise<ChromiumFound> {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted) {
    if (!existsSync(wanted)) throw new Error(`CHROMIUM_PATH is ${wanted}, and there is no file there`);
    return { executablePath: wanted, source: "CHROMIUM_PATH" };
  }
  if (existsSync(DEBIAN)) return { executablePath: DEBIAN, source: "Debian's chromium" };
  return { executablePath: await unpackSparticuz(), source: "@sparticuz/chromium" };
}

async function unpackSparticuz(): Promise<string> {
  const version = packageVersion();
  const binary = join(CACHE, "chromium");
  if (existsSync(binary) && existsSync(MARKER) && readFileSync(MARKER, "utf8") === version) return binary;
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  const { default: chromium } = await import("@sparticuz/chromium");
  // executablePath() unpacks into os.tmpdir(), which reads TMPDIR on every call: point it here
  // for the length of the call (global setup runs nothing else meanwhile).
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = CACHE;
  let unpacked: string;
  try {
    unpacked = await chromium.executablePath();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  if (unpacked !== binary) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, not ${binary}`);
  writeFileSync(MARKER, version);
  return binary;
}

function packageVersion(): string {
  const manifest = join(ROOT, "node_modules", "@sparticuz", "chromium", "package.json");
  if (!existsSync(manifest)) {
    throw new Error("no Chromium: @sparticuz/chromium is not installed (npm install), and /usr/bin/chromium is absent");
  }
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}
