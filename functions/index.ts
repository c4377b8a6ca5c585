/**
 * The gateway Worker's entry: the router is the Worker's `fetch`, and its `queue` consumes
 * `linepay-events` (functions/events/: signed deliveries to the merchant); the Durable Object
 * classes are re-exported so that wrangler binds them.
 */
import { handleEventBatch } from "./events/consumer";
import { router } from "./router";

export { MerchantObject } from "../durable-objects/merchant/merchant-object";
export { OrderObject } from "../durable-objects/order-object";
export { RegKeyLane } from "../durable-objects/regkey/lane";

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
  queue: (batch, env, _ctx) => handleEventBatch(batch, env),
} satisfies ExportedHandler<Env>;
