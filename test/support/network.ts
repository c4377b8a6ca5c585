/**
 * The test network (vitest.config.ts `outboundService`): every fetch the gateway makes leaves
 * through here. `receiver.test` is the merchant's events endpoint (test/support/receiver.ts);
 * everything else goes to the LINE Pay sandbox as it is, request and streamed answer untouched,
 * broken streams included, so nothing can leave the machine.
 */
interface NetworkEnv {
  RECEIVER: Fetcher;
  SANDBOX: Fetcher;
}

const RECEIVER_HOST = "receiver.test";

export default {
  fetch(request: Request, env: NetworkEnv): Promise<Response> {
    const { hostname } = new URL(request.url);
    return hostname === RECEIVER_HOST ? env.RECEIVER.fetch(request) : env.SANDBOX.fetch(request);
  },
};
