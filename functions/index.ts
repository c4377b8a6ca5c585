/**
 * The gateway Worker's entry: the router is the Worker; the Durable Object classes are
 * re-exported so that wrangler binds them.
 */
import { router } from "./router";

export { MerchantObject } from "../durable-objects/merchant/merchant-object";
export { OrderObject } from "../durable-objects/order-object";
export { RegKeyLane } from "../durable-objects/regkey/lane";

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
