/**
 * The one log line per call: its shape, that no regKey, secret or body ever reaches it, and which
 * of them the gateway prints.
 */
import { describe, expect, it, vi } from "vitest";
import { logLinePayCall, SLOW_LINEPAY_CALL_MS } from "../../durable-objects/log";
import { createLinePayClient } from "../../linepay/client";
import { type Captured, envelope, fakeUpstream, SECRET, testOptions, TX } from "./fake-upstream";

describe("logging", () => {
  it("logs one line per call with names and codes only", async () => {
    const events: Record<string, unknown>[] = [];
    const lp = createLinePayClient(
      testOptions({ fetch: fakeUpstream(() => envelope("1153")).fetch, log: (e) => events.push(e) }),
    );
    await lp.confirm(TX, { amount: 100, currency: "TWD" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event: "linepay.call",
      operation: "confirm",
      method: "POST",
      path: `/v3/payments/${TX}/confirm`,
      status: 200,
      returnCode: "1153",
      outcome: "refused",
      category: "refused",
    });
    expect(typeof events[0]!.ms).toBe("number");
  });

  it("never logs a regKey, the secret or a body, whatever the outcome", async () => {
    const regKey = "RKSECRETREGKEY7";
    const events: Record<string, unknown>[] = [];
    const answers = [
      () => envelope("0000", `{"transactionId":${TX},"regKey":"${regKey}"}`),
      () => envelope("1193"),
      () => new Response("down", { status: 502 }),
      (req: Captured) => {
        // A runtime may quote the URL in its error: it must not reach the outcome or the log.
        throw new TypeError(`Fetch API cannot load: ${req.url.href}`);
      },
    ];
    const outcomes: unknown[] = [];
    for (const answer of answers) {
      const lp = createLinePayClient(
        testOptions({ fetch: fakeUpstream(answer).fetch, log: (e) => events.push(e), deviceProfileId: "t" }),
      );
      outcomes.push(
        await lp.payPreapproved(regKey, { productName: "secret product", amount: 1, currency: "TWD", orderId: "O" }),
      );
      outcomes.push(await lp.checkRegKey(regKey));
      outcomes.push(await lp.expireRegKey(regKey));
      outcomes.push(
        await lp.posPay({
          productName: "p",
          amount: 1,
          currency: "TWD",
          orderId: "O",
          oneTimeKey: "998877665544332211",
        }),
      );
    }
    expect(events).toHaveLength(16);
    const logged = JSON.stringify(events);
    for (const secret of [regKey, SECRET, "secret product", "998877665544332211", "returnMessage", "message for"])
      expect(logged).not.toContain(secret);
    expect(events.filter((e) => String(e.path).includes("{regKey}"))).toHaveLength(12);
    expect(events[0]).toMatchObject({ path: "/v3/payments/preapprovedPay/{regKey}/payment", outcome: "success" });
    // Outcomes other than a success's info (which the gateway needs) never quote the regKey.
    const failures = outcomes.filter((o) => (o as { kind: string }).kind !== "success");
    expect(failures.length).toBeGreaterThan(0);
    expect(JSON.stringify(failures)).not.toContain(regKey);
    expect(JSON.stringify(failures)).toContain("{regKey}");
  });
});

describe("what the gateway prints of those lines", () => {
  const printed = (event: Record<string, unknown>) => {
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const error = vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    try {
      logLinePayCall(event);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    return lines;
  };
  const call = { event: "linepay.call", operation: "pos.pay", method: "POST", path: "/v2/payments/oneTimeKeys/pay" };

  it("prints every call that did not simply succeed, and every slow one", () => {
    for (const event of [
      { ...call, status: 200, returnCode: "1153", outcome: "refused", ms: 40 },
      { ...call, status: 200, returnCode: "9000", outcome: "temporary", ms: 40 },
      { ...call, outcome: "lost", reason: "timeout", ms: 20_000 },
      { ...call, status: 200, returnCode: "0000", outcome: "success", ms: SLOW_LINEPAY_CALL_MS },
    ]) {
      const lines = printed(event);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject(event);
    }
  });

  it("prints nothing for a prompt success: the order's journal tells it", () => {
    expect(printed({ ...call, status: 200, returnCode: "0000", outcome: "success", ms: 12 })).toEqual([]);
  });
});
