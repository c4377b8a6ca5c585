/**
 * The fault matrix: every upstream operation × every fault LINE Pay or the network can throw,
 * generated from two tables (operations in the two test files, faults here). For each case:
 * the caller never sees a 500 of ours; no answer invites a second money movement for money
 * that moved (no FAILED, 402 or 503 "try again" when the sandbox's ledger shows the call took
 * effect); no money moves twice; the journal records the fault; and once the fault is gone
 * the order settles, by its own alarm (with the gateway's clock moved past LINE Pay's
 * "may still be running" window where that is what it waits for), into a state that agrees
 * with the sandbox's ledger.
 */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { advanceClock, PAST_THE_READ_TIMEOUT_MS, PAST_THE_WINDOW_MS, useTestClock } from "../support/clock";
import { fireAlarm, outcomes } from "../support/flows";
import { call, reserveBody, uniqueId, type Called } from "../support/gateway";
import type { PosGateway } from "../support/pos-gateway";
import { sandbox, type Fault } from "../support/sandbox";

export const FAULTS: [string, Fault][] = [
  ["a delay past the read timeout", { type: "delay", ms: PAST_THE_READ_TIMEOUT_MS }],
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
  // Slow, not silent (LINEPAY.md): the work happens, but not while the caller is listening.
  [
    "LINE Pay finishing the call after the caller gave up",
    { type: "delay", ms: PAST_THE_READ_TIMEOUT_MS, phase: "before" },
  ],
  ["a proxy's 504 at once, LINE Pay processing 0.4 s later", { type: "http", status: 504, phase: "later", ms: 400 }],
  ["a proxy's 502 at once, LINE Pay processing 0.4 s later", { type: "http", status: 502, phase: "later", ms: 400 }],
  ["processed, then answered 1145", { type: "returnCode", returnCode: "1145", phase: "after" }],
  ["processed, then answered 1198", { type: "returnCode", returnCode: "1198", phase: "after" }],
  ["processed, then answered 1199", { type: "returnCode", returnCode: "1199", phase: "after" }],
  ["processed, then answered 9000", { type: "returnCode", returnCode: "9000", phase: "after" }],
];

export interface Case {
  /** the object that owns the money: `order:<id>` or `deposit:<id>` */
  object: string;
  id: string;
  kind: "order" | "deposit";
  /** the caller's request that runs into the fault */
  trigger: () => Promise<Called>;
  /** whether the faulted call took effect at LINE Pay (read from the ledger once LINE Pay is idle) */
  tookEffect: () => Promise<boolean>;
  /** a POS case: the gateway (Offline API version) it runs on; else the gateway as deployed */
  pos?: PosGateway;
}

export type Setup = (operation: string, fault: Fault) => Promise<Case>;

const ledgerOf = (id: string, pos?: PosGateway) => (pos ? pos.ledger(id) : sandbox.ledger(id));
const payment = async (id: string, pos?: PosGateway) => (await ledgerOf(id, pos)).payments[id];

export async function approvedOrder(options: Record<string, unknown> = {}) {
  const id = uniqueId("fm");
  const reserve = await call("POST", "/v1/payments", { body: reserveBody(id, 1000, "JPY", options) });
  await sandbox.approve(reserve.body.transactionId);
  return id;
}

export const confirmOf = (id: string) => () =>
  call("POST", `/v1/payments/${id}/confirm`, { body: { amount: 1000, currency: "JPY" } });

export async function confirmed(options: Record<string, unknown> = {}) {
  const id = await approvedOrder(options);
  await confirmOf(id)();
  return id;
}

export const orderCase = (
  id: string,
  trigger: () => Promise<Called>,
  tookEffect: () => Promise<boolean>,
  pos?: PosGateway,
): Case => ({
  object: `order:${id}`,
  id,
  kind: "order",
  trigger,
  tookEffect,
  ...(pos ? { pos } : {}),
});

export const paid = (id: string, pos?: PosGateway) => async () => (await payment(id, pos))?.status !== undefined;
export const statusIs = (id: string, status: string) => async () => (await payment(id))?.status === status;
export const refundedSome = (id: string) => async () => ((await payment(id))?.refunded ?? 0) > 0;
export const never = () => Promise.resolve(false);

export async function posPayTrigger(id: string, pos: PosGateway) {
  const oneTimeKey = await sandbox.oneTimeKey();
  return () => pos.pay({ productName: "Tea", amount: 1000, currency: "JPY", orderId: id, oneTimeKey });
}

const view = (c: Case) =>
  c.pos ? c.pos.view(c.id) : call("GET", c.kind === "deposit" ? `/v1/deposits/${c.id}` : `/v1/payments/${c.id}`);

/** Fault gone and LINE Pay idle: the object's own alarm settles the order. */
async function settle(c: Case): Promise<Called> {
  const stub = c.pos ? c.pos.stub(c.id) : env.ORDERS.getByName(c.object);
  let seen = await view(c);
  for (let i = 0; i < 8 && seen.body.state === "UNKNOWN"; i++) {
    // Where the object waits for LINE Pay's window to close, let it close.
    if (outcomes(seen).includes("not_found_yet")) advanceClock(PAST_THE_WINDOW_MS);
    if (!(await fireAlarm(stub))) break;
    seen = await view(c);
  }
  return seen;
}

/** An answer that tells the caller the money did not move (so a second try would be safe). */
function saysNothingMoved(first: Called): boolean {
  if (first.status === 503 || first.status === 402) return true;
  if (first.body?.state === "FAILED") return true;
  return first.status === 502 && first.body?.code !== "amount_mismatch";
}

/** The gateway's state must agree with the money the sandbox actually moved. */
async function expectLedgerAgrees(c: Case, seen: Called) {
  const ledger = await ledgerOf(c.id, c.pos);
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

/** A money-moving call reaches LINE Pay once; a reserve or a deposit may be re-sent (LINE Pay's orderId check stops a second one). */
async function expectNoSecondMoneyMove(c: Case) {
  const calls = c.pos ? await c.pos.calls(c.id) : await sandbox.calls({ orderId: c.id });
  for (const op of ["confirm", "capture", "void", "refund", "pos.pay", "preapproved.pay"]) {
    expect(calls[op] ?? 0, `${op} calls`).toBeLessThanOrEqual(1);
  }
  const deposits = (await ledgerOf(c.id, c.pos)).deposits;
  expect(Object.keys(deposits).length).toBeLessThanOrEqual(1);
}

const JOURNALED = ["answer_lost", "answer_uncertain", "refused", "declined", "not_found_yet", "internal_error"];

/** One case: the fault, the first answer, honesty, settling, the ledger. */
export async function survives(setup: Setup, operation: string, fault: Fault): Promise<void> {
  useTestClock();
  const c = await setup(operation, fault);
  const first = await c.trigger();
  // Never a 500 of ours; every error is a problem document.
  expect(first.status).not.toBe(500);
  expect(first.status).toBeLessThan(600);
  if (first.status >= 400) expect(first.headers.get("Content-Type")).toContain("application/problem+json");

  await sandbox.idle();
  await sandbox.clearFaults(c.id);
  if (await c.tookEffect()) expect(saysNothingMoved(first), `first answer ${first.status} ${first.text}`).toBe(false);

  const seen = await settle(c);
  expect(seen.body.state, `journal: ${outcomes(seen).join(", ")}`).not.toBe("UNKNOWN");
  await expectLedgerAgrees(c, seen);
  await expectNoSecondMoneyMove(c);
  expect(
    outcomes(seen).some((o) => JOURNALED.includes(o)),
    `journal: ${outcomes(seen).join(", ")}`,
  ).toBe(true);
  // Faults or not, each call spoke its Offline API version's authentication.
  await c.pos?.expectAuthenticated(c.id);
}

/** The matrix for a table of operations. */
export function matrix(setups: Record<string, Setup>): void {
  for (const operation of Object.keys(setups)) {
    for (const [name, fault] of FAULTS) {
      it(`${operation}: survives ${name}`, () => survives(setups[operation]!, operation, fault));
    }
  }
}
