/**
 * The Worker under test (vitest.config.ts `main`): the gateway exactly as functions/index.ts
 * deploys it, and beside it a second deployment of the same code on Offline API v4, as a
 * merchant who set LINEPAY_OFFLINE_VERSION=v4 would run it. Both live in one Worker so that a
 * test picks the version per order (pos-gateway.ts) and the object helpers of cloudflare:test
 * (alarms, eviction, aborts) reach both deployments' objects.
 *
 * The v4 deployment has what a deployment owns for POS: its configuration (the version and its
 * own LINE Pay channel, registered at the sandbox), its order objects (ORDERS_V4) and its events
 * queue (linepay-events-v4, consumed here with its env). It shares the rest (KV, regKey lanes,
 * merchants, the dead-letter queue), which its POS orders never write. Requests for host
 * gateway-v4.test reach it; every other host the gateway as deployed.
 */
import { handleEventBatch } from "../../functions/events/consumer";
import worker, { OrderObject } from "../../functions/index";
import { router } from "../../functions/router";

export { MerchantObject, OrderObject, RegKeyLane } from "../../functions/index";

export const V4_HOST = "gateway-v4.test";
const V4_EVENTS_QUEUE = "linepay-events-v4";

/** The gateway's bindings and the tests' (test/env.d.ts). */
type TestEnv = Cloudflare.Env;

const v4Envs = new WeakMap<TestEnv, TestEnv>();

/** The v4 deployment's env: one object per base env, so its configuration is read once. */
export function offlineV4Env(env: TestEnv): TestEnv {
  let v4 = v4Envs.get(env);
  if (!v4) {
    v4 = {
      ...env,
      LINEPAY_OFFLINE_VERSION: "v4",
      LINEPAY_CHANNEL_ID: env.V4_LINEPAY_CHANNEL_ID,
      LINEPAY_CHANNEL_SECRET: env.V4_LINEPAY_CHANNEL_SECRET,
      ORDERS: env.ORDERS_V4,
      EVENTS: env.EVENTS_V4,
    };
    v4Envs.set(env, v4);
  }
  return v4;
}

/** The v4 deployment's order object: the gateway's own class, constructed with that deployment's env. */
export class OrderObjectV4 extends OrderObject {
  constructor(ctx: DurableObjectState, env: TestEnv) {
    super(ctx, offlineV4Env(env));
  }
}

export default {
  fetch: (request, env, ctx) =>
    new URL(request.url).hostname === V4_HOST
      ? router.fetch(request, offlineV4Env(env), ctx)
      : worker.fetch(request, env, ctx),
  queue: (batch, env, ctx) =>
    batch.queue === V4_EVENTS_QUEUE ? handleEventBatch(batch, offlineV4Env(env)) : worker.queue(batch, env, ctx),
} satisfies ExportedHandler<TestEnv>;
