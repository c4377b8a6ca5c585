/** Test-only bindings (vitest.config.ts) on top of the generated Env. */
declare namespace Cloudflare {
  interface Env {
    SANDBOX: Fetcher;
    /** the test receiver of events (test/support/receiver.ts) */
    RECEIVER: Fetcher;
    EVENTS_WEBHOOK_URL: string;
    LINEPAY_TIMEOUT_MS: string;
    LINEPAY_DEVICE_PROFILE_ID: string;
    SOAK_OPERATIONS: string;
    SOAK_SEED: string;
    /** the Offline API v4 deployment (test/support/worker.ts): its channel, order objects and events queue */
    V4_LINEPAY_CHANNEL_ID: string;
    V4_LINEPAY_CHANNEL_SECRET: string;
    ORDERS_V4: DurableObjectNamespace<import("../durable-objects/order-object").OrderObject>;
    EVENTS_V4: Queue;
  }
}
