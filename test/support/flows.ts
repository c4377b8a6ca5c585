/**
 * Orders brought to a given point through the gateway itself (reserved, approved at the
 * sandbox, confirmed; a POS pay; a regKey token), and the object-level moves tests make on
 * them: run an order's alarm until it settles, read what its object stores.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, vi } from "vitest";
import { advanceClock, useTestClock } from "./clock";
import { objectName } from "../../model/rpc";
import { call, reserveBody, uniqueId, type CallOptions, type Called } from "./gateway";
import { sandbox } from "./sandbox";

/**
 * The flows as one merchant's caller (a token with its `merchant` claim), against its objects;
 * `flowsAs()` is the default merchant's, whose flows the plain exports below are. `channelId`:
 * the merchant's channel at the sandbox, for its regKeys.
 */
export function flowsAs(merchantId?: string, channelId?: string) {
  const as = (o: CallOptions = {}): CallOptions => (merchantId === undefined ? o : { ...o, merchant: merchantId });
  const owner = merchantId === undefined ? {} : { merchantId };
  const orderStub = (orderId: string) => env.ORDERS.getByName(objectName({ scope: "order", id: orderId, ...owner }));
  const depositStub = (depositId: string) =>
    env.ORDERS.getByName(objectName({ scope: "deposit", id: depositId, ...owner }));

  async function reserved(orderId = uniqueId(), amount = 1000, options: Record<string, unknown> = {}) {
    const res = await call("POST", "/v1/payments", as({ body: reserveBody(orderId, amount, "JPY", options) }));
    expect(res.status).toBe(201);
    return { orderId, transactionId: res.body.transactionId as string };
  }

  async function approved(orderId = uniqueId(), amount = 1000, options: Record<string, unknown> = {}) {
    const r = await reserved(orderId, amount, options);
    await sandbox.approve(r.transactionId);
    return r;
  }

  const confirm = (orderId: string, amount = 1000) =>
    call("POST", `/v1/payments/${orderId}/confirm`, as({ body: { amount, currency: "JPY" } }));

  async function confirmed(orderId = uniqueId(), amount = 1000, options: Record<string, unknown> = {}) {
    await approved(orderId, amount, options);
    const res = await confirm(orderId, amount);
    expect(res.status).toBe(200);
    return { orderId, answer: res };
  }

  const posPay = (body: unknown): Promise<Called> => call("POST", "/v1/pos/payments", as({ body, scope: "pos" }));

  /** A regKey token from a confirmed PREAPPROVED reservation. */
  async function regKeyToken(): Promise<{ token: string; orderId: string; regKey: string }> {
    const { orderId, answer } = await confirmed(uniqueId("sub"), 990, { payment: { payType: "PREAPPROVED" } });
    const { regKey } = await sandbox.regKey(orderId, channelId);
    return { token: answer.body.regKeyToken as string, orderId, regKey };
  }

  const payOnToken = (token: string, orderId: string, extra: Record<string, unknown> = {}) =>
    call(
      "POST",
      `/v1/preapproved/${token}/payments`,
      as({ body: { productName: "Monthly plan", amount: 990, currency: "JPY", orderId, ...extra } }),
    );

  const view = (orderId: string) => call("GET", `/v1/payments/${orderId}`, as());
  const viewDeposit = (depositId: string) => call("GET", `/v1/deposits/${depositId}`, as({ scope: "deposits" }));

  return {
    orderStub,
    depositStub,
    reserved,
    approved,
    confirm,
    confirmed,
    posPay,
    regKeyToken,
    payOnToken,
    view,
    viewDeposit,
  };
}

export const {
  orderStub,
  depositStub,
  reserved,
  approved,
  confirm,
  confirmed,
  posPay,
  regKeyToken,
  payOnToken,
  view,
  viewDeposit,
} = flowsAs();

export async function posPayBody(orderId: string, extra: Record<string, unknown> = {}) {
  return {
    productName: "Coffee",
    amount: 450,
    currency: "JPY",
    orderId,
    oneTimeKey: await sandbox.oneTimeKey(),
    ...extra,
  };
}

export const outcomes = (seen: Called): string[] => (seen.body.events as { outcome: string }[]).map((e) => e.outcome);

/** The object's alarm time (null: none), read inside the object. */
export const alarmOf = (stub: DurableObjectStub) =>
  runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());

/** Every row of every SQLite table and every KV entry of an object, as text, for the secret scans. */
export const dumpStorage = (stub: DurableObjectStub) =>
  runInDurableObject(stub, async (_instance, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'")
      .toArray()
      .map((t) => t.name);
    const rows = tables.map((name) => [name, sql.exec(`SELECT * FROM "${name}"`).toArray()]);
    return JSON.stringify([...rows, ...state.storage.kv.list()]);
  });

/** An operation record as the order object stores it (SQLite `operations`). */
export const storedOperation = (stub: DurableObjectStub, key: string) =>
  runInDurableObject(
    stub,
    (_instance, state) =>
      state.storage.sql
        .exec<Record<string, SqlStorageValue>>("SELECT * FROM operations WHERE key = ?", key)
        .toArray()[0],
  );

/**
 * Fires the object's alarm as the platform does: the gateway's clock is moved on to the alarm's
 * time first (test/support/clock.ts), so what is due then is due. With several operations open
 * (a reservation's watch beside a recovery, say) each alarm serves the earliest: `times` fires
 * it that many times in a row. Whether the first fire found an alarm set.
 */
export async function fireAlarm(stub: DurableObjectStub, times = 1): Promise<boolean> {
  if (!vi.isFakeTimers()) useTestClock();
  let first: boolean | undefined;
  for (let i = 0; i < times; i++) {
    const at = await alarmOf(stub);
    if (at !== null && at > Date.now()) advanceClock(at - Date.now() + 1);
    const ran = await runDurableObjectAlarm(stub);
    first ??= ran;
  }
  return first ?? false;
}
