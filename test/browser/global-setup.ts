/**
 * The Node project's global setup: the Chromium the browser tests drive (chromium.ts), found
 * once, and one `npm start` stack (gateway, sandbox, demo shop) for every test file of
 * test/browser/, stopped when the run ends. Tests reach both with inject().
 */
import type { TestProject } from "vitest/node";
import { findChromium } from "./chromium";
import { startStack, type StackInfo } from "./stack";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
    /** the browser to drive, or why there is none (each browser test then fails with it) */
    chromium: { executablePath: string; source: string } | { error: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Before the stack: finding it may unpack a browser, and nothing else should run meanwhile.
  const chromium = await findChromium().catch((error: unknown) => ({
    error: error instanceof Error ? error.message : String(error),
  }));
  project.provide("chromium", chromium);
  const stack = await startStack();
  project.provide("stack", stack.info);
  return () => stack.stop();
}
