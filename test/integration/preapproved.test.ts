/**
 * Preapproved payments and the regKey vault: the regKey never leaves the gateway in clear,
 * payments on one regKey never overlap, rotation keeps tokens working, and LINE Pay's card
 * rules expire the regKey.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tokenId } from "../../model/regkey-token";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";

async function registered(): Promise<{ token: string; orderId: string; regKey: string }> {
  const orderId = uniqueId("sub");
  const reserve = await call("POST", "/v1/payments", {
    body: reserveBody(orderId, 990, "JPY", { payment: { payType: "PREAPPROVED" } }),
  });
  expect(reserve.status).toBe(201);
  await sandbox.approve(reserve.body.transactionId);
  const confirm = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 990, currency: "JPY" } });
  expect(confirm.status).toBe(200);
  expect(confirm.body.regKeyToken).toMatch(/^rk_/);
  const { regKey } = await sandbox.regKey(orderId);
  expect(regKey).toMatch(/^RK/);
  expect(confirm.text).not.toContain(regKey);
  return { token: confirm.body.regKeyToken, orderId, regKey };
}

const payOn = (token: string, orderId: string, extra: Record<string, unknown> = {}) =>
  call("POST", `/v1/preapproved/${token}/payments`, {
    body: { productName: "Monthly plan", amount: 990, currency: "JPY", orderId, ...extra },
  });

async function allKvBytes(): Promise<string> {
  const list = await env.REGKEYS.list();
  const values = await Promise.all(list.keys.map((k) => env.REGKEYS.get(k.name)));
  return JSON.stringify(list) + values.join("\n");
}

describe("preapproved payments", () => {
  it("stores the regKey only encrypted and pays with the token", async () => {
    const { token, orderId, regKey } = await registered();
    const kv = await allKvBytes();
    expect(kv).not.toContain(regKey);
    expect(kv).not.toContain(token);
    expect(kv).toMatch(/eyJ/); // a compact JWE is there

    const replay = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 990, currency: "JPY" } });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body.regKeyToken).toBe(token);

    const payId = uniqueId("charge");
    const paid = await payOn(token, payId);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ orderId: payId, kind: "preapproved", state: "CAPTURED", amount: 990 });
    expect(paid.text).not.toContain(regKey);
    const status = await call("GET", `/v1/preapproved/${token}`);
    expect(status.body).toEqual({ status: "ACTIVE" });
  });

  it("runs 10 concurrent payments on one token without a 1197", async () => {
    const { token } = await registered();
    const ids = Array.from({ length: 10 }, () => uniqueId("charge"));
    const answers = await Promise.all(ids.map((id) => payOn(token, id)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    for (const id of ids) expect((await sandbox.calls({ orderId: id }))["preapproved.pay"]).toBe(1);
    for (const a of answers) expect(a.text).not.toContain("1197");
  });

  it("expires the regKey once and forgets the token after card error 1281", async () => {
    const { token, regKey } = await registered();
    const payId = uniqueId("charge");
    await sandbox.fault("preapproved.pay", { type: "returnCode", returnCode: "1281" }, payId);
    const res = await payOn(token, payId);
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ code: "payment_declined", returnCode: "1281" });
    expect((await sandbox.calls({ regKey }))["preapproved.expire"]).toBe(1);
    expect(await env.REGKEYS.get(`regkey:${await tokenId(token)}`)).toBeNull();
    const after = await call("GET", `/v1/preapproved/${token}`);
    expect(after.status).toBe(404);
    const next = await payOn(token, uniqueId("charge"));
    expect(next.status).toBe(404);
  });

  it("expires a token on DELETE and answers 404 afterwards", async () => {
    const { token } = await registered();
    const del = await call("DELETE", `/v1/preapproved/${token}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ status: "EXPIRED" });
    expect((await call("GET", `/v1/preapproved/${token}`)).status).toBe(404);
  });

  it.each([
    ["a wrong prefix", "xx_abc"],
    ["an unknown token", `rk_${"A".repeat(43)}`],
    ["a malformed token", "rk_!!"],
  ])("answers %s with 404 or 400, never 500", async (_name, token) => {
    const res = await call("GET", `/v1/preapproved/${encodeURIComponent(token)}`);
    expect([400, 404]).toContain(res.status);
    const pay = await payOn(encodeURIComponent(token), uniqueId("charge"));
    expect([400, 404]).toContain(pay.status);
  });
});
