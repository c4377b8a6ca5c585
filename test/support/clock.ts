/**
 * The gateway's clock in tests. The order objects run in the test's isolate, so faking `Date`
 * (and nothing else: timers, and with them LINE Pay's read timeouts, stay real) moves their
 * clock: a test lets LINE Pay's "may still be running" window or a reservation's 20 minutes
 * pass at once instead of sleeping. The sandbox is another Worker and keeps real time.
 */
import { afterEach, vi } from "vitest";

/** Fake `Date` for the rest of the test, still ticking with real time between jumps. */
export function useTestClock(): void {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
}

/** Jumps the gateway's clock forward. */
export function advanceClock(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

/** Past any operation's "may still be running" window (read timeout + 60 s, in tests). */
export const PAST_THE_WINDOW_MS = 2 * 60_000;

/**
 * Longer than every read timeout vitest.config.ts sets (1 s online and deposits, 1.2 s for the
 * POS pay): a fault this slow is one the gateway stops waiting for.
 */
export const PAST_THE_READ_TIMEOUT_MS = 1_500;

afterEach(() => {
  vi.useRealTimers();
});
