/**
 * Orders brought to a given point through the gateway itself (reserved, approved at the
 * sandbox, confirmed; a POS pay; a regKey token), and the object-level moves tests make on
 * them: run an order's alarm until it settles, read what its object stores.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, vi } from "vitest";
import { advanceClock, useTestClock } from "./clock";
import { call, reserveBody, uniqueId, type Called } from "./gateway";
import { sandbox } from "./sandbox";

export const orderStub = (orderId: string) => env.ORDERS.getByName(`order:${orderId}`);
export const depositStub = (depositId: string) => env.ORDERS.getByName(`deposit:${depositId}`);

export async function reserved(orderId = uniqueId(), amount = 1000, options: Record<string, unknown> = {}) {
  const res = await call("POST", "/v1/payments", { body: reserveBody(orderId, amount, "JPY", options) });
  expect(res.status).toBe(201);
  return { orderId, transactionId: res.body.transactionId as string };
}

export async function approved(orderId = uniqueId(), amount = 1000, options: Record<string, unknown> = {}) {
  const r = await reserved(orderId, amount, options);
  await sandbox.approve(r.transactionId);
  return r;
}

export const confirm = (orderId: string, amount = 1000) =>
  call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount, currency: "JPY" } });

export async function confirmed(orderId = uniqueId(), amount = 1000, options: Record<string, unknown> = {}) {
  await approved(orderId, amount, options);
  const res = await confirm(orderId, amount);
  expect(res.status).toBe(200);
  return { orderId, answer: res };
}

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

export const posPay = (body: unknown): Promise<Called> => call("POST", "/v1/pos/payments", { body, scope: "pos" });

/** A regKey token from a confirmed PREAPPROVED reservation. */
export async function regKeyToken(): Promise<{ token: string; orderId: string; regKey: string }> {
  const { orderId, answer } = await confirmed(uniqueId("sub"), 990, { payment: { payType: "PREAPPROVED" } });
  const { regKey } = await sandbox.regKey(orderId);
  return { token: answer.body.regKeyToken as string, orderId, regKey };
}

export const payOnToken = (token: string, orderId: string, extra: Record<string, unknown> = {}) =>
  call("POST", `/v1/preapproved/${token}/payments`, {
    body: { productName: "Monthly plan", amount: 990, currency: "JPY", orderId, ...extra },
  });

export const view = (orderId: string) => call("GET", `/v1/payments/${orderId}`);
export const viewDeposit = (depositId: string) => call("GET", `/v1/deposits/${depositId}`, { scope: "deposits" });

export const outcomes = (seen: Called): string[] => (seen.body.events as { outcome: string }[]).map((e) => e.outcome);

/** The object's alarm time (null: none), read inside the object. */
export const alarmOf = (stub: DurableObjectStub) =>
  runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());

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
