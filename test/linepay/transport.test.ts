/**
 * The refused/lost line: every way an answer can go wrong after sending, against fake upstreams.
 */
import { describe, expect, it } from "vitest";
import { createLinePayClient } from "../../linepay/client";
import { envelope, fakeUpstream, testOptions } from "./fake-upstream";

function abortable(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
}

describe("callLinePay outcomes", () => {
  it("returns success with the info of a 0000 answer", async () => {
    const up = fakeUpstream(() =>
      envelope(
        "0000",
        '{"transactionId":2026112300000000001,"orderId":"O-1","payInfo":[{"method":"BALANCE","amount":100}]}',
      ),
    );
    const lp = createLinePayClient(testOptions({ fetch: up.fetch }));
    const outcome = await lp.confirm("2026112300000000001", { amount: 100, currency: "TWD" });
    expect(outcome).toEqual({
      kind: "success",
      returnCode: "0000",
      returnMessage: "message for 0000",
      info: { transactionId: "2026112300000000001", orderId: "O-1", payInfo: [{ method: "BALANCE", amount: 100 }] },
    });
  });

  it("refuses with the table's category", async () => {
    const codes = {
      "1101": "declined",
      "1172": "duplicate",
      "9000": "temporary",
      "1153": "refused",
      "1999": "refused",
    } as const;
    for (const [code, category] of Object.entries(codes)) {
      const lp = createLinePayClient(testOptions({ fetch: fakeUpstream(() => envelope(code)).fetch }));
      expect(await lp.confirm("1", { amount: 1, currency: "TWD" })).toEqual({
        kind: "refused",
        category,
        returnCode: code,
        returnMessage: `message for ${code}`,
      });
    }
  });

  it("reads a LINE Pay envelope on a 4xx by its returnCode", async () => {
    const lp = createLinePayClient(testOptions({ fetch: fakeUpstream(() => envelope("1106", undefined, 401)).fetch }));
    expect(await lp.request({})).toMatchObject({ kind: "refused", category: "refused", returnCode: "1106" });
  });

  it("refuses a 4xx without an envelope as HTTP_<status>: it never became a payment", async () => {
    const lp = createLinePayClient(
      testOptions({ fetch: fakeUpstream(() => new Response("Not Found", { status: 404 })).fetch }),
    );
    expect(await lp.request({})).toEqual({
      kind: "refused",
      category: "refused",
      returnCode: "HTTP_404",
      returnMessage: "HTTP 404 without a LINE Pay answer",
    });
  });

  it("treats HTTP 500 as lost, even with an envelope", async () => {
    for (const response of [() => new Response("oops", { status: 500 }), () => envelope("1104", undefined, 503)]) {
      const lp = createLinePayClient(testOptions({ fetch: fakeUpstream(response).fetch }));
      const outcome = await lp.capture("1", { amount: 1, currency: "TWD" });
      expect(outcome).toMatchObject({ kind: "lost", reason: "http" });
      expect(outcome.kind === "lost" && outcome.httpStatus).toBeGreaterThanOrEqual(500);
    }
  });

  it.each([
    ["HTML", "<html>502</html>"],
    ["an empty body", ""],
    ["JSON without a returnCode", '{"info":{}}'],
    ["a numeric returnCode", '{"returnCode":0}'],
    ["a JSON array", '[{"returnCode":"0000"}]'],
    ["truncated JSON", '{"returnCode":"0000","info":{"transactionId":20261'],
  ])("treats %s on HTTP 200 as lost/malformed", async (_, body) => {
    const lp = createLinePayClient(testOptions({ fetch: fakeUpstream(() => new Response(body)).fetch }));
    expect(await lp.request({})).toMatchObject({ kind: "lost", reason: "malformed", httpStatus: 200 });
  });

  it("does not believe a success code on a non-2xx status", async () => {
    const lp = createLinePayClient(testOptions({ fetch: fakeUpstream(() => envelope("0000", {}, 400)).fetch }));
    expect(await lp.request({})).toMatchObject({ kind: "lost", reason: "malformed" });
  });

  it("times out when no headers come, and says so", async () => {
    const up = fakeUpstream((req) => abortable(req.signal));
    const lp = createLinePayClient(testOptions({ fetch: up.fetch, timeoutMs: 50 }));
    const started = Date.now();
    const outcome = await lp.confirm("1", { amount: 1, currency: "TWD" });
    expect(outcome).toEqual({ kind: "lost", reason: "timeout", detail: "no complete answer within 50 ms" });
    expect(up.calls[0]!.signal?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("times out when the body stalls after the headers, even if the stream ignores the abort", async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"returnCode":"00'));
      },
    });
    const lp = createLinePayClient(
      testOptions({ fetch: fakeUpstream(() => new Response(stalled)).fetch, timeoutMs: 50 }),
    );
    expect(await lp.void("1")).toEqual({
      kind: "lost",
      reason: "timeout",
      detail: "no complete answer within 50 ms after headers (HTTP 200)",
    });
  });

  it("is lost/network when the answer drops after the headers", async () => {
    const dropped = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('{"returnCode":"0000","info":{"transactionId":20261'));
        controller.error(new Error("connection reset by peer"));
      },
    });
    const lp = createLinePayClient(testOptions({ fetch: fakeUpstream(() => new Response(dropped)).fetch }));
    const outcome = await lp.posPay({
      productName: "p",
      amount: 1,
      currency: "TWD",
      orderId: "O",
      oneTimeKey: "123456789012345678",
    });
    expect(outcome).toMatchObject({ kind: "lost", reason: "network" });
    expect(outcome.kind === "lost" && outcome.detail).toMatch(/after headers \(HTTP 200\).*connection reset/);
  });

  it("is lost/network when fetch itself throws", async () => {
    const failing = (async () => {
      throw new TypeError("Network connection lost.");
    }) as typeof fetch;
    const lp = createLinePayClient(testOptions({ fetch: failing }));
    expect(await lp.refund("1", {})).toEqual({
      kind: "lost",
      reason: "network",
      detail: "connection failed: TypeError: Network connection lost.",
    });
  });

  it("asks fetch not to follow redirects, and refuses a 3xx: it is not LINE Pay's answer", async () => {
    const up = fakeUpstream((req) =>
      req.path.startsWith("/moved") ? envelope("0000", {}) : Response.redirect("https://api.linepay.test/moved", 307),
    );
    const lp = createLinePayClient(testOptions({ fetch: up.fetch }));
    expect(await lp.request({})).toMatchObject({ kind: "refused", returnCode: "HTTP_307" });
    expect(up.calls).toHaveLength(1);
    expect(up.calls[0]!.redirect).toBe("manual");
  });

  it("keeps an answer when the log sink throws", async () => {
    const lp = createLinePayClient(
      testOptions({
        fetch: fakeUpstream(() => envelope("0000", {})).fetch,
        log: () => {
          throw new Error("sink down");
        },
      }),
    );
    expect(await lp.expireRegKey("RK1")).toMatchObject({ kind: "success" });
  });
});
