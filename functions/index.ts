/**
 * The gateway Worker's entry: the router is the Worker; the Durable Object classes are
 * re-exported so that wrangler binds them.
 */
export { OrderObject } from "../durable-objects/order-object";
export { RegKeyLane } from "../durable-objects/regkey-lane";

export default {
  async fetch(): Promise<Response> {
    return new Response("edge not built yet", { status: 501 });
  },
} satisfies ExportedHandler<Env>;
