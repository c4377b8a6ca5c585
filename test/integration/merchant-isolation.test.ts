/**
 * Isolation under attack, over every route the router serves: merchant B reaching for merchant
 * A's order, deposit, regKey token or deposit webhook gets exactly what an id nobody ever used
 * gets (status, body and headers, the id itself aside), and nothing changes: no call reaches A's
 * channel, A's orders and token read as before, and B has stored nothing. Where the route starts
 * something new (a reservation, a POS pay, a deposit with A's id), B simply starts its own:
 * A's id is a new, unrelated order of B's. The cases come from the router's own table, so a new
 * route without one fails here.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { router } from "../../functions/router";
import { flowsAs, posPayBody } from "../support/flows";
import { call, reserveBody, uniqueId, type Called } from "../support/gateway";
import { newWhsec, registerMerchant, type Registered } from "../support/merchants";
import { sandbox } from "../support/sandbox";
import { deliver } from "../support/webhooks";

/** Routes no merchant owns anything behind: the service's and the registry's (scope admin). */
const NOT_MERCHANT_SCOPED = new Set([
  "GET /healthz",
  "GET /openapi.json",
  "PUT /v1/merchants/:merchantId",
  "GET /v1/merchants/:merchantId",
  "DELETE /v1/merchants/:merchantId",
]);

/** What A owns, which B will reach for. */
interface Owned {
  a: Registered;
  b: Registered;
  orderId: string;
  posOrderId: string;
  depositId: string;
  token: string;
}

/** What B reaches for: A's ids (and A's deposit secret), or ids nobody used (and a secret nobody has). */
interface Target {
  orderId: string;
  depositId: string;
  token: string;
  depositSecret: string;
}

type Reach = (target: Target, o: Owned) => Promise<Called>;

const asB = (o: Owned) => ({ merchant: o.b.merchantId });
const money = { amount: 1000, currency: "JPY" };
const deposit = (depositId: string) => ({ depositId, linePayNumber: "09012345678", amount: 500, currency: "JPY" });
const depositEnvelope = (depositId: string) => JSON.stringify({ type: "deposit.requested", data: deposit(depositId) });

/** Each route as B calls it: with A's ids, or with ids nobody used (the same call otherwise). */
const REACH: Record<string, Reach> = {
  "GET /v1/payments/:orderId": ({ orderId }, o) => call("GET", `/v1/payments/${orderId}`, asB(o)),
  "POST /v1/payments/:orderId/confirm": ({ orderId }, o) =>
    call("POST", `/v1/payments/${orderId}/confirm`, { ...asB(o), body: money }),
  "POST /v1/payments/:orderId/capture": ({ orderId }, o) =>
    call("POST", `/v1/payments/${orderId}/capture`, { ...asB(o), body: money }),
  "POST /v1/payments/:orderId/void": ({ orderId }, o) => call("POST", `/v1/payments/${orderId}/void`, asB(o)),
  "POST /v1/payments/:orderId/refund": ({ orderId }, o) =>
    call("POST", `/v1/payments/${orderId}/refund`, { ...asB(o), body: {}, headers: { "Idempotency-Key": "x" } }),
  "GET /v1/preapproved/:regKeyToken": ({ token }, o) => call("GET", `/v1/preapproved/${token}`, asB(o)),
  "DELETE /v1/preapproved/:regKeyToken": ({ token }, o) => call("DELETE", `/v1/preapproved/${token}`, asB(o)),
  "POST /v1/preapproved/:regKeyToken/payments": ({ token, orderId }, o) =>
    call("POST", `/v1/preapproved/${token}/payments`, {
      ...asB(o),
      body: { productName: "Plan", amount: 990, currency: "JPY", orderId: `${orderId}-pay` },
    }),
  "GET /v1/deposits/:depositId": ({ depositId }, o) =>
    call("GET", `/v1/deposits/${depositId}`, { ...asB(o), scope: "deposits" }),
  // A's deposit secret at B's webhook, and at the default merchant's: what any wrong secret gets.
  "POST /v1/webhooks/deposits/:merchantId": ({ depositId, depositSecret }, o) =>
    deliver({
      path: `/v1/webhooks/deposits/${o.b.merchantId}`,
      secret: depositSecret,
      body: depositEnvelope(depositId),
    }),
  "POST /v1/webhooks/deposits": ({ depositId, depositSecret }) =>
    deliver({ path: "/v1/webhooks/deposits", secret: depositSecret, body: depositEnvelope(depositId) }),
};

/** Routes that start something: with A's id, B starts its own, like with any new id. */
const START: Record<string, (id: string, o: Owned) => Promise<Called>> = {
  "POST /v1/payments": (orderId, o) => call("POST", "/v1/payments", { ...asB(o), body: reserveBody(orderId, 777) }),
  "POST /v1/pos/payments": async (orderId, o) =>
    call("POST", "/v1/pos/payments", { ...asB(o), scope: "pos", body: await posPayBody(orderId, { amount: 321 }) }),
  "POST /v1/deposits": (depositId, o) =>
    call("POST", "/v1/deposits", { ...asB(o), scope: "deposits", body: deposit(depositId) }),
};

/** The answer with the ids it was asked about written as placeholders (they differ by design). */
function shape(res: Called, ids: Record<string, string>) {
  let text = res.text;
  for (const [name, id] of Object.entries(ids)) text = text.replaceAll(id, `<${name}>`);
  return {
    status: res.status,
    body: text,
    headers: [...res.headers].filter(([name]) => name !== "date" && name !== "webhook-id"),
  };
}

const total = async (channelId: string) =>
  Object.values(await sandbox.calls({ channelId })).reduce((sum, n) => sum + n, 0);

async function ownedByA(): Promise<Owned> {
  const a = await registerMerchant();
  const b = await registerMerchant();
  const flows = flowsAs(a.merchantId, a.channelId);
  const { orderId } = await flows.confirmed(uniqueId("own"));
  const posOrderId = uniqueId("own-pos");
  expect((await flows.posPay(await posPayBody(posOrderId))).status).toBe(200);
  const { token } = await flows.regKeyToken();
  const depositId = uniqueId("own-dep");
  const made = await call("POST", "/v1/deposits", {
    merchant: a.merchantId,
    scope: "deposits",
    body: deposit(depositId),
  });
  expect(made.status).toBe(200);
  return { a, b, orderId, posOrderId, depositId, token };
}

/** Everything A can read about what it owns (the token's status is LINE Pay's regKey check: one call). */
async function asAReads(o: Owned) {
  const flows = flowsAs(o.a.merchantId, o.a.channelId);
  return JSON.stringify([
    (await flows.view(o.orderId)).body,
    (await flows.view(o.posOrderId)).body,
    (await flows.viewDeposit(o.depositId)).body,
    (await call("GET", `/v1/preapproved/${o.token}`, { merchant: o.a.merchantId })).body,
  ]);
}

describe("another merchant's ids", () => {
  it("covers every route the router serves", () => {
    const served = router.routes
      .filter(([method]) => method !== "ALL")
      .map(([method, , , path]) => `${method} ${path}`);
    const covered = new Set([...NOT_MERCHANT_SCOPED, ...Object.keys(REACH), ...Object.keys(START)]);
    expect(served.filter((route) => !covered.has(route))).toEqual([]);
    expect([...covered].filter((route) => !served.includes(route))).toEqual([]);
  });

  it("answer on every route exactly as ids nobody used, and change nothing at A or in B's store", async () => {
    const o = await ownedByA();
    const aReads = await asAReads(o);
    const aCalls = await total(o.a.channelId);
    const bCalls = await total(o.b.channelId);

    for (const [route, reach] of Object.entries(REACH)) {
      const theirs = await reach(
        { orderId: o.orderId, depositId: o.depositId, token: o.token, depositSecret: o.a.depositWebhookSecret },
        o,
      );
      const nobody = {
        orderId: uniqueId("none"),
        depositId: uniqueId("none"),
        token: `rk_${"Z".repeat(43)}`,
        depositSecret: newWhsec(),
      };
      const unknown = await reach(nobody, o);
      expect(theirs.status, route).toBeGreaterThanOrEqual(400);
      expect(shape(theirs, { orderId: o.orderId, depositId: o.depositId }), route).toEqual(
        shape(unknown, { orderId: nobody.orderId, depositId: nobody.depositId }),
      );
    }
    // Reaching for A's POS order is the same as for its online one.
    const pos = await REACH["POST /v1/payments/:orderId/refund"]!(
      { orderId: o.posOrderId, depositId: o.depositId, token: o.token, depositSecret: "" },
      o,
    );
    expect(pos.status).toBe(404);

    expect(await total(o.a.channelId)).toBe(aCalls);
    expect(await total(o.b.channelId)).toBe(bCalls);
    expect(await asAReads(o)).toBe(aReads);
    const bFlows = flowsAs(o.b.merchantId, o.b.channelId);
    expect((await bFlows.view(o.orderId)).status).toBe(404);
    expect((await bFlows.viewDeposit(o.depositId)).status).toBe(404);
  });

  it("are new ids of B's where a route starts something: B's own order at B's channel, A's untouched", async () => {
    const o = await ownedByA();
    const aReads = await asAReads(o);
    const aCalls = await total(o.a.channelId);
    const ids: Record<string, string> = {
      "POST /v1/payments": o.orderId,
      "POST /v1/pos/payments": o.posOrderId,
      "POST /v1/deposits": o.depositId,
    };
    for (const [route, start] of Object.entries(START)) {
      const theirs = await start(ids[route]!, o);
      const fresh = await start(uniqueId("fresh"), o);
      expect([theirs.status, theirs.body.code], route).toEqual([fresh.status, fresh.body.code]);
      expect(theirs.status, route).toBeLessThan(300);
      expect(Object.keys(theirs.body).sort(), route).toEqual(Object.keys(fresh.body).sort());
    }
    expect(await total(o.a.channelId)).toBe(aCalls);
    expect(await asAReads(o)).toBe(aReads);
    // Each is B's, at B's channel, with B's parameters (no 422 for "A's" orderId used otherwise).
    const bLedger = await sandbox.ledger(undefined, o.b.channelId);
    const bFlows = flowsAs(o.b.merchantId, o.b.channelId);
    expect((await bFlows.view(o.orderId)).body).toMatchObject({ state: "RESERVED", amount: 777 });
    expect(await sandbox.calls({ orderId: o.orderId, channelId: o.b.channelId })).toMatchObject({ request: 1 });
    expect(bLedger.payments[o.posOrderId]).toMatchObject({ amount: 321 });
    expect(bLedger.deposits[o.depositId]).toMatchObject({ amount: 500 });
    const aLedger = await sandbox.ledger(undefined, o.a.channelId);
    expect(aLedger.payments[o.orderId]).toMatchObject({ amount: 1000 });
    expect(aLedger.payments[o.posOrderId]).toMatchObject({ amount: 450 });
  });

  it("leaves the default merchant's ids and a merchant's apart both ways", async () => {
    const o = await ownedByA();
    const asDefault = flowsAs();
    expect((await asDefault.view(o.orderId)).status).toBe(404);
    const { orderId } = await asDefault.confirmed(uniqueId("dflt"));
    expect((await flowsAs(o.a.merchantId).view(orderId)).status).toBe(404);
    expect((await call("GET", `/v1/preapproved/${o.token}`)).status).toBe(404);
    expect(env.LINEPAY_CHANNEL_ID).not.toBe(o.a.channelId);
  });
});
