/**
 * Soak: thousands of mixed operations across many orders (online, POS, preapproved, deposits)
 * at high concurrency, with faults injected at random (seeded: the seed is printed and can be
 * replayed with SOAK_SEED). At the end, after the alarms have run, no order or deposit is
 * UNKNOWN and the gateway's ledger (captured minus refunded per order, and deposits) equals
 * the sandbox's exactly. `npm test` runs a CI-sized soak; `npm run soak` a large one.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { sandbox, type Fault } from "../support/sandbox";

/** mulberry32: small, seeded, good enough to pick operations and faults. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Faults whose outcome LINE Pay settles at once when asked again (a lost pay that may still be
// running is covered by the fault matrix; here every order must be settled at the end).
const FAULTS: Fault[] = [
  { type: "drop" },
  { type: "http", status: 500, phase: "before" },
  { type: "http", status: 500, phase: "after" },
  { type: "reset", phase: "after" },
  { type: "malformed" },
  { type: "returnCode", returnCode: "9000" },
];

interface Tracked {
  id: string;
  kind: "order" | "deposit";
}

describe("soak", () => {
  it("settles every order and reconciles with the sandbox's ledger to the yen", async () => {
    const operations = Number(env.SOAK_OPERATIONS);
    const seed = Number(env.SOAK_SEED);
    console.info(`soak: ${operations} operations, seed ${seed} (replay with SOAK_SEED=${seed})`);
    const rnd = random(seed);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const maybeFault = async (operation: string, orderId: string) => {
      if (rnd() < 0.25) await sandbox.fault(operation, pick(FAULTS), orderId);
    };
    const tracked: Tracked[] = [];
    let done = 0;

    // One shared subscription for the preapproved payments.
    const sub = uniqueId("soak-sub");
    const r = await call("POST", "/v1/payments", {
      body: reserveBody(sub, 100, "JPY", { payment: { payType: "PREAPPROVED" } }),
    });
    await sandbox.approve(r.body.transactionId);
    const rk: string = (await call("POST", `/v1/payments/${sub}/confirm`, { body: { amount: 100, currency: "JPY" } }))
      .body.regKeyToken;
    tracked.push({ id: sub, kind: "order" });

    const flows: (() => Promise<void>)[] = [
      async () => {
        const id = uniqueId("soak-on");
        const amount = 100 + Math.floor(rnd() * 5000);
        tracked.push({ id, kind: "order" });
        await maybeFault("request", id);
        const res = await call("POST", "/v1/payments", { body: reserveBody(id, amount) });
        done++;
        if (res.status !== 201) return;
        await sandbox.approve(res.body.transactionId);
        await maybeFault("confirm", id);
        const confirmed = await call("POST", `/v1/payments/${id}/confirm`, { body: { amount, currency: "JPY" } });
        done++;
        if (confirmed.status === 200 && rnd() < 0.5) {
          await maybeFault("refund", id);
          await call("POST", `/v1/payments/${id}/refund`, {
            body: { refundAmount: Math.ceil(amount / 3) },
            headers: { "Idempotency-Key": "r1" },
          });
          done++;
        }
      },
      async () => {
        const id = uniqueId("soak-pos");
        tracked.push({ id, kind: "order" });
        await maybeFault("pos.pay", id);
        const body = {
          productName: "Tea",
          amount: 100 + Math.floor(rnd() * 3000),
          currency: "JPY",
          orderId: id,
          oneTimeKey: await sandbox.oneTimeKey(),
        };
        // The till retries at once, as a cashier would: the same request, never a second pay.
        await Promise.all([
          call("POST", "/v1/pos/payments", { scope: "pos", body }),
          call("POST", "/v1/pos/payments", { scope: "pos", body }),
        ]);
        done += 2;
      },
      async () => {
        const id = uniqueId("soak-pre");
        tracked.push({ id, kind: "order" });
        await maybeFault("preapproved.pay", id);
        await call("POST", `/v1/preapproved/${rk}/payments`, {
          body: { productName: "Plan", amount: 100 + Math.floor(rnd() * 900), currency: "JPY", orderId: id },
        });
        done++;
      },
      async () => {
        const id = uniqueId("soak-dep");
        tracked.push({ id, kind: "deposit" });
        await maybeFault("deposit", id);
        const body = {
          depositId: id,
          linePayNumber: "09012345678",
          amount: 50 + Math.floor(rnd() * 5000),
          currency: "JPY",
        };
        await Promise.all([
          call("POST", "/v1/deposits", { scope: "deposits", body }),
          call("POST", "/v1/deposits", { scope: "deposits", body }),
        ]);
        done += 2;
      },
    ];

    while (done < operations) {
      await Promise.all(Array.from({ length: 16 }, () => pick(flows)()));
    }

    // Let recovery finish: run each object's alarm until it is settled.
    const view = (t: Tracked) =>
      call("GET", t.kind === "deposit" ? `/v1/deposits/${t.id}` : `/v1/payments/${t.id}`, {
        scope: "payments pos deposits",
      });
    const views = new Map<string, { status: number; body: Record<string, any> }>(); // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const t of tracked) {
      let seen = await view(t);
      for (let i = 0; i < 5 && seen.body?.state === "UNKNOWN"; i++) {
        await runDurableObjectAlarm(env.ORDERS.getByName(`${t.kind}:${t.id}`));
        seen = await view(t);
      }
      views.set(t.id, seen);
    }

    const ledger = await sandbox.ledger();
    let gatewayNet = 0;
    let sandboxNet = 0;
    for (const t of tracked) {
      const seen = views.get(t.id)!;
      if (seen.status === 404) {
        // Never created at the gateway (e.g. a reserve that failed validation): LINE Pay has nothing either.
        expect(ledger.payments[t.id] ?? ledger.deposits[t.id]).toBeUndefined();
        continue;
      }
      expect(seen.body.state, `${t.id}`).not.toBe("UNKNOWN");
      if (t.kind === "deposit") {
        const gw = seen.body.state === "COMPLETED" ? seen.body.amount : 0;
        const lp = ledger.deposits[t.id]?.amount ?? 0;
        expect(gw, `deposit ${t.id}`).toBe(lp);
        gatewayNet += gw;
        sandboxNet += lp;
        continue;
      }
      const captured = ["CAPTURED", "PARTIALLY_REFUNDED", "REFUNDED"].includes(seen.body.state) ? seen.body.amount : 0;
      const gw = captured - (captured ? seen.body.refundedAmount : 0);
      const money = ledger.payments[t.id];
      const lp = money ? money.captured - money.refunded : 0;
      expect(gw, `order ${t.id} in ${seen.body.state}`).toBe(lp);
      gatewayNet += gw;
      sandboxNet += lp;
    }
    expect(gatewayNet).toBe(sandboxNet);
    expect(done).toBeGreaterThanOrEqual(operations);
  }, 600_000);
});
