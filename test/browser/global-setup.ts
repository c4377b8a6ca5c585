/**
 * The Node project's global setup: one `npm start` stack (gateway, sandbox, demo shop) for every
 * test file of test/browser/, stopped when the run ends. Tests reach it with inject("stack").
 */
import type { TestProject } from "vitest/node";
import { startStack, type StackInfo } from "./stack";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startStack();
  project.provide("stack", stack.info);
  return () => stack.stop();
}
