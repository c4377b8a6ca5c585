/**
 * Every upstream operation × every fault LINE Pay or the network can throw, generated from
 * two tables. For each case: the caller never sees a 500 of ours, no money moves twice, the
 * journal records the fault, and once the fault is gone the order settles (by its alarm) into a
 * state that agrees with the sandbox's ledger. Where the safe answer is to keep waiting (a
 * payment LINE Pay does not know yet after a timeout may still be running), UNKNOWN with a
 * `not_found_yet` journal entry is the expected outcome.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, reserveBody, uniqueId, type Called } from "../support/gateway";
import { sandbox, type Fault } from "../support/sandbox";

const FAULTS: [string, Fault][] = [
  ["a delay past the read timeout", { type: "delay", ms: 2600 }],
  ["an answer dropped after processing", { type: "drop" }],
  ["HTTP 500 before processing", { type: "http", status: 500, phase: "before" }],
  ["HTTP 500 after processing", { type: "http", status: 500, phase: "after" }],
  ["a reset before processing", { type: "reset", phase: "before" }],
  ["a reset after processing", { type: "reset", phase: "after" }],
  ["a malformed answer", { type: "malformed" }],
  ["returnCode 9000", { type: "returnCode", returnCode: "9000" }],
  ["returnCode 1199", { type: "returnCode", returnCode: "1199" }],
  ["returnCode 1900", { type: "returnCode", returnCode: "1900" }],
  ["returnCode 1198", { type: "returnCode", returnCode: "1198" }],
];

interface Case {
  /** the object that owns the money: `order:<id>` or `deposit:<id>` */
  object: string;
  id: string;
  kind: "order" | "deposit";
  /** the caller's request that runs into the fault */
  trigger: () => Promise<Called>;
}

type Setup = (operation: string, fault: Fault) => Promise<Case>;

async function approvedOrder(options: Record<string, unknown> = {}) {
  const id = uniqueId("fm");
  const reserve = await call("POST", "/v1/payments", { body: reserveBody(id, 1000, "JPY", options) });
  await sandbox.approve(reserve.body.transactionId);
  return id;
}

async function confirmed(options: Record<string, unknown> = {}) {
  const id = await approvedOrder(options);
  await call("POST", `/v1/payments/${id}/confirm`, { body: { amount: 1000, currency: "JPY" } });
  return id;
}

const order = (id: string, trigger: () => Promise<Called>): Case => ({
  object: `order:${id}`,
  id,
  kind: "order",
  trigger,
});
const confirmOf = (id: string) => () =>
  call("POST", `/v1/payments/${id}/confirm`, { body: { amount: 1000, currency: "JPY" } });
const posPay = async (id: string) => {
  const oneTimeKey = await sandbox.oneTimeKey();
  return () =>
    call("POST", "/v1/pos/payments", {
      scope: "pos",
      body: { productName: "Tea", amount: 1000, currency: "JPY", orderId: id, oneTimeKey },
    });
};

let token: string | undefined;
async function regKeyToken(): Promise<string> {
  if (token) return token;
  const id = await approvedOrder({ payment: { payType: "PREAPPROVED" } });
  token = (await confirmOf(id)()).body.regKeyToken as string;
  return token;
}

/** How to bring an order to the operation under test, with the fault queued for it. */
const SETUPS: Record<string, Setup> = {
  async request(op, fault) {
    const id = uniqueId("fm");
    await sandbox.fault(op, fault, id);
    return order(id, () => call("POST", "/v1/payments", { body: reserveBody(id) }));
  },
  async confirm(op, fault) {
    const id = await approvedOrder();
    await sandbox.fault(op, fault, id);
    return order(id, confirmOf(id));
  },
  async capture(op, fault) {
    const id = await confirmed({ payment: { capture: false } });
    await sandbox.fault(op, fault, id);
    return order(id, () => call("POST", `/v1/payments/${id}/capture`, { body: { amount: 1000, currency: "JPY" } }));
  },
  async void(op, fault) {
    const id = await confirmed({ payment: { capture: false } });
    await sandbox.fault(op, fault, id);
    return order(id, () => call("POST", `/v1/payments/${id}/void`));
  },
  async refund(op, fault) {
    const id = await confirmed();
    await sandbox.fault(op, fault, id);
    return order(id, () =>
      call("POST", `/v1/payments/${id}/refund`, { body: { refundAmount: 300 }, headers: { "Idempotency-Key": "fm" } }),
    );
  },
  async details(op, fault) {
    // Payment details run when a confirm's answer was lost.
    const id = await approvedOrder();
    await sandbox.fault("confirm", { type: "drop" }, id);
    await sandbox.fault(op, fault, id);
    return order(id, confirmOf(id));
  },
  async check(op, fault) {
    // The v3 status check runs when details know no payment after a lost confirm.
    const id = await approvedOrder();
    await sandbox.fault("confirm", { type: "http", status: 500, phase: "before" }, id);
    await sandbox.fault(op, fault, id);
    return order(id, confirmOf(id));
  },
  async "pos.pay"(op, fault) {
    const id = uniqueId("fm");
    await sandbox.fault(op, fault, id);
    return order(id, await posPay(id));
  },
  async "pos.check"(op, fault) {
    const id = uniqueId("fm");
    await sandbox.fault("pos.pay", { type: "drop" }, id);
    await sandbox.fault(op, fault, id);
    return order(id, await posPay(id));
  },
  async "preapproved.pay"(op, fault) {
    const rk = await regKeyToken();
    const id = uniqueId("fm");
    await sandbox.fault(op, fault, id);
    return order(id, () =>
      call("POST", `/v1/preapproved/${rk}/payments`, {
        body: { productName: "Plan", amount: 1000, currency: "JPY", orderId: id },
      }),
    );
  },
  async deposit(op, fault) {
    const id = uniqueId("fm");
    await sandbox.fault(op, fault, id);
    return {
      object: `deposit:${id}`,
      id,
      kind: "deposit",
      trigger: () =>
        call("POST", "/v1/deposits", {
          scope: "deposits",
          body: { depositId: id, linePayNumber: "09012345678", amount: 1000, currency: "JPY" },
        }),
    };
  },
};

const view = (c: Case) => call("GET", c.kind === "deposit" ? `/v1/deposits/${c.id}` : `/v1/payments/${c.id}`);

/** Runs the object's alarm until the order leaves UNKNOWN (or stops trying). */
async function settle(c: Case) {
  const stub = env.ORDERS.getByName(c.object);
  let seen = await view(c);
  for (let i = 0; i < 4 && seen.body.state === "UNKNOWN"; i++) {
    await runDurableObjectAlarm(stub);
    seen = await view(c);
  }
  return seen;
}

/** The gateway's state must agree with the money the sandbox actually moved. */
async function expectLedgerAgrees(c: Case, seen: Called) {
  const ledger = await sandbox.ledger(c.id);
  if (c.kind === "deposit") {
    const transfer = ledger.deposits[c.id];
    if (seen.body.state === "COMPLETED") expect(transfer?.amount).toBe(1000);
    else expect(transfer).toBeUndefined();
    return;
  }
  const money = ledger.payments[c.id];
  const state: string = seen.body.state;
  if (["CAPTURED", "REFUNDED", "PARTIALLY_REFUNDED"].includes(state)) {
    expect(money.captured).toBe(1000);
    expect(money.refunded).toBe(seen.body.refundedAmount);
  } else if (state === "AUTHORIZED") expect(money.status).toBe("AUTHORIZATION");
  else if (state === "VOIDED") expect(money.status).toBe("VOIDED_AUTHORIZATION");
  else if (["RESERVED", "FAILED", "EXPIRED"].includes(state)) expect(money?.captured ?? 0).toBe(0);
  if (money) {
    expect(money.captured).toBeLessThanOrEqual(1000);
    expect(money.refunded).toBeLessThanOrEqual(money.captured);
  }
}

/** A money-moving call may reach LINE Pay once; a reserve or a deposit may be re-sent (LINE Pay's orderId check stops a second one). */
async function expectNoSecondMoneyMove(c: Case, operation: string) {
  const calls = await sandbox.calls({ orderId: c.id });
  for (const op of ["confirm", "capture", "void", "refund", "pos.pay", "preapproved.pay"]) {
    expect(calls[op] ?? 0, `${op} calls`).toBeLessThanOrEqual(1);
  }
  if (operation === "deposit")
    expect(Object.keys((await sandbox.ledger(c.id)).deposits)).toHaveLength(
      (await sandbox.ledger(c.id)).deposits[c.id] ? 1 : 0,
    );
}

const JOURNALED = ["answer_lost", "answer_uncertain", "refused", "declined", "not_found_yet", "internal_error"];

describe.each(Object.keys(SETUPS))("faults on %s", (operation) => {
  it.each(FAULTS)(`survives %s`, async (_name, fault) => {
    const c = await SETUPS[operation]!(operation, fault);
    const first = await c.trigger();
    // Never a 500 of ours; every error is a problem document.
    expect(first.status).not.toBe(500);
    expect(first.status).toBeLessThan(600);
    if (first.status >= 400) expect(first.headers.get("Content-Type")).toContain("application/problem+json");

    const seen = await settle(c);
    if (seen.body.state === "UNKNOWN") {
      // Only where LINE Pay may still be running the call: the journal says so and checks go on.
      expect(seen.body.events.some((e: { outcome: string }) => e.outcome === "not_found_yet")).toBe(true);
      expect(await runDurableObjectAlarm(env.ORDERS.getByName(c.object))).toBe(true);
    }
    await expectLedgerAgrees(c, seen);
    await expectNoSecondMoneyMove(c, operation);
    const outcomes: string[] = seen.body.events.map((e: { outcome: string }) => e.outcome);
    expect(
      outcomes.some((o) => JOURNALED.includes(o)),
      `journal: ${outcomes.join(", ")}`,
    ).toBe(true);
  });
});

/**
 * The regKey's expire is not an order operation: it runs in the token's lane object. Whatever
 * the fault, the caller never sees a 500, and the token is either gone (LINE Pay expired it)
 * or still usable, so that asking again with the fault gone completes the expiry.
 */
describe("faults on preapproved.expire", () => {
  it.each(FAULTS)("survives %s", async (_name, fault) => {
    const id = await approvedOrder({ payment: { payType: "PREAPPROVED" } });
    const rk: string = (await confirmOf(id)()).body.regKeyToken;
    const { regKey } = await sandbox.regKey(id);
    await sandbox.fault("preapproved.expire", fault, id);
    const first = await call("DELETE", `/v1/preapproved/${rk}`);
    expect(first.status).not.toBe(500);
    if (first.status >= 400) expect(first.headers.get("Content-Type")).toContain("application/problem+json");
    const after = await call("DELETE", `/v1/preapproved/${rk}`);
    expect([200, 404]).toContain(after.status);
    expect((await call("GET", `/v1/preapproved/${rk}`)).status).toBe(404);
    expect((await sandbox.regKey(id)).status).toBe("EXPIRED");
    expect((await sandbox.calls({ regKey }))["preapproved.expire"]).toBeLessThanOrEqual(2);
  });
});
