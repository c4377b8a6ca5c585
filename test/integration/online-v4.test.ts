/**
 * LINEPAY_ONLINE_VERSION=v4: the same flow on LINE Pay's /v4 paths, and the order keeps the
 * `paymentProvider` v4 adds. The order object is built with a v4 configuration over a real
 * object's state (as after a deploy with that var).
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { OrderObject } from "../../durable-objects/order-object";
import { reserveBody, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";

describe("Online API v4", () => {
  it("reserves and confirms on /v4 and keeps the paymentProvider", async () => {
    const orderId = uniqueId("v4");
    const ref = { scope: "order" as const, id: orderId };
    const v4 = { ...env, LINEPAY_ONLINE_VERSION: "v4" };
    const reserved = await runInDurableObject(env.ORDERS.getByName(`order:${orderId}`), (_i, state) =>
      new OrderObject(state, v4).execute(ref, { op: "reserve", body: reserveBody(orderId, 300, "TWD") as never }),
    );
    expect(reserved.status).toBe(201);
    const transactionId = (reserved.body as { transactionId: string }).transactionId;
    await sandbox.approve(transactionId);
    const confirmed = await runInDurableObject(env.ORDERS.getByName(`order:${orderId}`), (_i, state) =>
      new OrderObject(state, v4).execute(ref, { op: "confirm", body: { amount: 300, currency: "TWD" } }),
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ state: "CAPTURED", currency: "TWD", paymentProvider: "TSP", transactionId });
    expect(await sandbox.calls({ orderId })).toMatchObject({ request: 1, confirm: 1 });
  });
});
