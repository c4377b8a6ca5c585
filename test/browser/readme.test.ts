/**
 * The README's shell blocks paste and run as they are: scripts/readme-blocks.mjs runs every
 * ```sh block not marked `norun`, in order, in one bash (the first failing command fails it),
 * against this run's `npm start` stack, and the answers it printed are the ones the README says.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBlocks, shellBlocks } from "../../scripts/readme-blocks.mjs";
import { stack } from "./helpers";
import { ROOT } from "./stack";

describe("README.md", () => {
  it("runs every shell block as it is against npm start", async () => {
    const blocks = shellBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const { gateway, sandbox, demo } = stack();
    const run = await runBlocks(blocks, { urls: { gateway, sandbox, demo }, cwd: ROOT });
    expect(run.code, `${run.stderr.slice(-3000)}\n${run.stdout.slice(-2000)}`).toBe(0);
    const said = [
      '"state":"RESERVED"',
      '"state":"CAPTURED"',
      '"state":"PARTIALLY_REFUNDED"',
      '"status":"ACTIVE"',
      '"status":"EXPIRED"',
      '"state":"COMPLETED"',
    ];
    for (const answer of said) expect(run.stdout, answer).toContain(answer);
    // The webhook, sent twice, made one deposit: the same transactionId both times.
    const deposits = [...run.stdout.matchAll(/"depositId":"msg_[^"]+".*"transactionId":"(\d+)"/g)].map((m) => m[1]);
    expect(deposits).toHaveLength(2);
    expect(deposits[0]).toBe(deposits[1]);
  });
});
