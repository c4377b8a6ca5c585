/**
 * Each operation's read timeout: LINE Pay's documented minima by default, `timeoutMs` for all
 * online and deposit calls (and the POS ones but pay) when set, `posTimeoutMs` for the POS pay.
 * Fake timers: the deadlines are minutes of virtual time, not of test time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLinePayClient, type LinePayClient } from "../../linepay/client";
import type { Outcome } from "../../linepay/types";
import { fakeUpstream, testOptions } from "./fake-upstream";

const realSetTimeout = globalThis.setTimeout;
const realTick = () => new Promise((resolve) => realSetTimeout(resolve, 0));

type Op = (lp: LinePayClient) => Promise<Outcome<unknown>>;

const OPS: [string, Op, number, number][] = [
  // name, call, default ms, ms with timeoutMs = 1500
  ["request", (lp) => lp.request({}), 10_000, 1_500],
  ["confirm", (lp) => lp.confirm("1", { amount: 1, currency: "TWD" }), 40_000, 1_500],
  ["capture", (lp) => lp.capture("1", { amount: 1, currency: "TWD" }), 60_000, 1_500],
  ["void", (lp) => lp.void("1"), 20_000, 1_500],
  ["refund", (lp) => lp.refund("1", {}), 20_000, 1_500],
  ["details", (lp) => lp.details({ orderIds: ["O"] }), 20_000, 1_500],
  ["checkStatus", (lp) => lp.checkStatus("1"), 20_000, 1_500],
  [
    "payPreapproved",
    (lp) => lp.payPreapproved("RK", { productName: "p", amount: 1, currency: "TWD", orderId: "O" }),
    20_000,
    1_500,
  ],
  ["checkRegKey", (lp) => lp.checkRegKey("RK"), 20_000, 1_500],
  [
    "deposit",
    (lp) => lp.deposit({ depositId: "d", linePayNumber: "01234567890", amount: 1, currency: "JPY" }),
    20_000,
    1_500,
  ],
  [
    "posPay",
    (lp) => lp.posPay({ productName: "p", amount: 1, currency: "TWD", orderId: "O", oneTimeKey: "1" }),
    45_000,
    45_000,
  ],
  ["posCheck", (lp) => lp.posCheck("O"), 20_000, 1_500],
];

async function settlesAt(op: Op, timeoutMs: number | undefined): Promise<number> {
  const up = fakeUpstream(
    (req) => new Promise<never>((_, reject) => req.signal?.addEventListener("abort", () => reject(req.signal!.reason))),
  );
  const lp = createLinePayClient(testOptions({ fetch: up.fetch, timeoutMs, posTimeoutMs: 45_000 }));
  let outcome: Outcome<unknown> | undefined;
  const running = op(lp).then((o) => (outcome = o));
  // Signing is real async work: let it finish so the deadline is armed before time moves.
  while (up.calls.length === 0) await realTick();
  let elapsed = 0;
  for (const step of [1_000, 499, 1, 8_499, 1, 9_999, 1, 19_999, 1, 4_999, 1, 14_999, 1]) {
    await vi.advanceTimersByTimeAsync(step);
    elapsed += step;
    if (outcome) break;
  }
  await running;
  expect(outcome).toMatchObject({ kind: "lost", reason: "timeout" });
  return elapsed;
}

describe("read timeouts", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(OPS)("%s waits LINE Pay's minimum by default", async (_, op, byDefault) => {
    expect(await settlesAt(op, undefined)).toBe(byDefault);
  });

  it("leaves no timer behind after an answer or a failure", async () => {
    const answers = [
      () => new Response('{"returnCode":"0000"}'),
      () => new Response("", { status: 500 }),
      () => Promise.reject(new TypeError("reset")),
    ];
    for (const answer of answers) {
      const lp = createLinePayClient(testOptions({ fetch: fakeUpstream(answer).fetch }));
      for (const [, op] of OPS) await op(lp);
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it.each(OPS)("%s follows timeoutMs when set", async (_, op, __, overridden) => {
    expect(await settlesAt(op, 1_500)).toBe(overridden);
  });
});
