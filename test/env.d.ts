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
  }
}
