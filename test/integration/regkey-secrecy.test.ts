/**
 * The regKey never rests or travels in clear: after a registration, payments, a status check
 * and a rotation, every KV value, every byte of the order and lane objects' storage, every
 * response and every log line is scanned for the regKey, the token and the keys.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokenId } from "../../model/regkey-token";
import { dumpStorage, orderStub } from "../support/flows";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";

const logs: string[] = [];
beforeEach(() => {
  logs.length = 0;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(args.map(String).join(" "));
    });
  }
});
afterEach(() => vi.restoreAllMocks());

describe("regKey secrecy", () => {
  it("keeps the regKey, the token and the keys out of KV, storage, responses and logs", async () => {
    const orderId = uniqueId("sub");
    const responses: string[] = [];
    const reserve = await call("POST", "/v1/payments", {
      body: reserveBody(orderId, 1200, "JPY", { payment: { payType: "PREAPPROVED" } }),
    });
    await sandbox.approve(reserve.body.transactionId);
    const confirm = await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1200, currency: "JPY" } });
    const token: string = confirm.body.regKeyToken;
    const tid = await tokenId(token);
    const { regKey } = await sandbox.regKey(orderId);
    responses.push(reserve.text, confirm.text);
    const charge = uniqueId("charge");
    responses.push(
      (
        await call("POST", `/v1/preapproved/${token}/payments`, {
          body: { productName: "Plan", amount: 1200, currency: "JPY", orderId: charge },
        })
      ).text,
    );
    responses.push((await call("GET", `/v1/preapproved/${token}`)).text);
    responses.push(
      (await call("POST", `/v1/payments/${orderId}/confirm`, { body: { amount: 1200, currency: "JPY" } })).text,
    );
    responses.push(
      (await call("GET", `/v1/payments/${orderId}`)).text,
      (await call("GET", `/v1/payments/${charge}`)).text,
    );

    // A charge whose answer is lost: its call is logged (a prompt success prints no line).
    const lost = uniqueId("charge");
    await sandbox.fault("preapproved.pay", { type: "drop" }, lost);
    responses.push(
      (
        await call("POST", `/v1/preapproved/${token}/payments`, {
          body: { productName: "Plan", amount: 1200, currency: "JPY", orderId: lost },
        })
      ).text,
    );

    const kv = await env.REGKEYS.list();
    const kvBytes = JSON.stringify(kv) + (await Promise.all(kv.keys.map((k) => env.REGKEYS.get(k.name)))).join("");
    const stored = [
      kvBytes,
      await dumpStorage(orderStub(orderId)),
      await dumpStorage(orderStub(charge)),
      await dumpStorage(orderStub(lost)),
      await dumpStorage(env.REGKEY_LANES.getByName(tid)),
    ];
    const keyBytes = Object.values((JSON.parse(env.REGKEY_KEYS) as { keys: Record<string, string> }).keys);
    const secrets = [regKey, token, env.LINEPAY_CHANNEL_SECRET, env.AUTH_JWT_SECRET, ...keyBytes];

    expect(logs.some((line) => line.includes("{regKey}"))).toBe(true);
    expect(stored.join("")).toContain("eyJ"); // the sealed forms are there
    for (const secret of secrets) {
      for (const text of [...stored, ...logs]) expect(text).not.toContain(secret);
    }
    for (const secret of [regKey, env.LINEPAY_CHANNEL_SECRET, env.AUTH_JWT_SECRET, ...keyBytes]) {
      for (const text of responses) expect(text).not.toContain(secret);
    }
    // The token is shown once, to the caller who confirmed, and again only on a replay.
    expect(responses.filter((r) => r.includes(token))).toHaveLength(2);
  });
});
