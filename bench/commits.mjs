// Counts durable commits by reading the SQLite files workerd keeps for Durable Objects.
//
// workerd (under Miniflare and `wrangler dev` alike) runs each SQLite-backed object's database
// in WAL mode: every committed transaction appends its pages to `<object id>.sqlite-wal`, and
// the last frame of a transaction carries the database size after the commit (non-zero only
// on commit frames). A tiny per-order database never reaches SQLite's 1,000-page auto
// checkpoint, so while the object is open its WAL holds every commit it made. Counting valid
// commit frames (salts equal to the WAL header's, checksums chained from it, as SQLite itself
// validates them on recovery) before and after an operation gives the operation's durable
// commits, including those of any other object it touches. `metadata.sqlite` in each namespace
// folder is workerd's alarm table: commits there are alarm scheduling, reported apart.
//
// workerd closes an object 10 s after its last activity, which checkpoints its WAL into the
// database and deletes it; the harness therefore counts in phases shorter than that (see
// commitsBetween for what happens when one is not).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** How long workerd keeps an idle Durable Object open (local workerd, measured on this machine). */
export const IDLE_CLOSE_MS = 10_000;
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** SQLite's WAL checksum over `buf[from, to)`, continuing from `[s0, s1]`. */
function walChecksum(buf, from, to, s0, s1, bigEndian) {
  for (let i = from; i < to; i += 8) {
    const x0 = bigEndian ? buf.readUInt32BE(i) : buf.readUInt32LE(i);
    const x1 = bigEndian ? buf.readUInt32BE(i + 4) : buf.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

/**
 * The valid commits in one WAL file, the bytes of the pages they wrote (frames up to the last commit), and
 * its generation (salt-1: it changes when the WAL restarts).
 */
export function walCommits(path) {
  const buf = readFileSync(path);
  if (buf.length < WAL_HEADER) return { commits: 0, bytes: 0, salt: null };
  const magic = buf.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return { commits: 0, bytes: 0, salt: null };
  const bigEndian = magic === 0x377f0683;
  const pageSize = buf.readUInt32BE(8) || 65536;
  const salt1 = buf.readUInt32BE(16);
  const salt2 = buf.readUInt32BE(20);
  let [s0, s1] = walChecksum(buf, 0, 24, 0, 0, bigEndian);
  if (s0 !== buf.readUInt32BE(24) || s1 !== buf.readUInt32BE(28)) return { commits: 0, bytes: 0, salt: null };
  let commits = 0;
  let frames = 0;
  let bytes = 0;
  for (let at = WAL_HEADER; at + FRAME_HEADER + pageSize <= buf.length; at += FRAME_HEADER + pageSize) {
    if (buf.readUInt32BE(at + 8) !== salt1 || buf.readUInt32BE(at + 12) !== salt2) break;
    [s0, s1] = walChecksum(buf, at, at + 8, s0, s1, bigEndian);
    [s0, s1] = walChecksum(buf, at + FRAME_HEADER, at + FRAME_HEADER + pageSize, s0, s1, bigEndian);
    if (s0 !== buf.readUInt32BE(at + 16) || s1 !== buf.readUInt32BE(at + 20)) break;
    frames++;
    if (buf.readUInt32BE(at + 4) !== 0) {
      commits++;
      bytes = frames * pageSize;
    }
  }
  return { commits, bytes, salt: salt1 };
}

function walFiles(root) {
  if (!existsSync(root)) return [];
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".sqlite-wal")) out.push(path);
    }
  };
  walk(root);
  return out;
}

/** Every SQLite WAL under `root` (a persist directory): relative path -> { commits, bytes, salt }. */
export function snapshot(root) {
  const files = new Map();
  for (const path of walFiles(root)) {
    try {
      files.set(relative(root, path), walCommits(path));
    } catch (error) {
      // workerd closed the object (and removed its WAL) between listing and reading.
      if (error.code !== "ENOENT") throw error;
    }
  }
  return files;
}

/**
 * The Worker's Durable Objects, workerd's alarm table beside them, KV (Miniflare keeps it in
 * objects of its own), and the rest: the local tooling's own stores (the Cache API's metadata,
 * the traces `wrangler dev` records), which a deployed Worker does not write.
 */
function kindOf(path) {
  const parts = path.split(/[\\/]/);
  if (parts.includes("do")) return path.endsWith("metadata.sqlite-wal") ? "alarms" : "objects";
  if (parts.includes("kv")) return "kv";
  return "tooling";
}

/**
 * Commits made between two snapshots, by kind. An object WAL that is new, or restarted (its
 * salt changed), belongs to an object that started in between (created, or reopened after
 * workerd closed it): `starts` counts them. `startCommits` is what the local tooling itself
 * commits in each object as it starts (`wrangler dev` wraps every Durable Object class so that
 * its constructor records the object's name for the local explorer: one commit, see
 * miniflare's do-wrapper.worker.js); those move from `objects` to `tooling`.
 *
 * An object WAL that went away in between belongs to an object workerd closed: commits made
 * there before it closed would be missing. workerd closes an object 10 s after its last
 * activity (IDLE_CLOSE_MS, measured here), so within a shorter window only objects untouched
 * by it can close; in a longer one each such WAL counts as `uncertain` (a lower bound).
 */
export function commitsBetween(before, after, { startCommits = 0, windowMs = Infinity } = {}) {
  // `bytes`: what the objects' commits wrote (whole pages), what each commit makes durable.
  const counts = { objects: 0, alarms: 0, kv: 0, tooling: 0, starts: 0, uncertain: 0, bytes: 0 };
  for (const [path, now] of after) {
    const kind = kindOf(path);
    const then = before.get(path);
    const started = !then || then.salt !== now.salt;
    counts[kind] += started ? now.commits : now.commits - then.commits;
    if (kind === "objects") counts.bytes += started ? now.bytes : now.bytes - then.bytes;
    if (kind === "objects" && started && now.commits > 0) counts.starts++;
  }
  if (windowMs >= IDLE_CLOSE_MS)
    for (const path of before.keys()) if (kindOf(path) === "objects" && !after.has(path)) counts.uncertain++;
  const tooling = Math.min(counts.objects, counts.starts * startCommits);
  counts.objects -= tooling;
  counts.tooling += tooling;
  return counts;
}
