/**
 * The table every POS test runs from: one gateway per Offline API version, behind one face, so
 * a test is written once and run for v2 and v4 (`describe.each(OFFLINE_VERSIONS)`), or picks the
 * version per order (the soak). v2 is the gateway as the tests' configuration deploys it; v4 the
 * same code deployed on Offline API v4 with a channel of its own (test/support/worker.ts). What
 * a test reads about an order (its object, the sandbox's ledger, calls and faults) goes through
 * the gateway that owns the order, so the version stays one parameter: should each version
 * become a merchant of one gateway (`offlineVersion` in the merchant registry), only this file
 * changes.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { OFFLINE_VERSIONS, type OfflineVersion } from "../../model/merchant";
import { call, type CallOptions, type Called } from "./gateway";
import { sandbox, type Fault } from "./sandbox";
import { V4_HOST } from "./worker";

export { OFFLINE_VERSIONS, type OfflineVersion };

export interface PosGateway {
  version: OfflineVersion;
  /** the LINE Pay channel its calls use, at the sandbox */
  channelId: string;
  /** a request to this gateway (scope `pos` unless given) */
  call(method: string, path: string, o?: CallOptions): Promise<Called>;
  /** POST /v1/pos/payments */
  pay(body: unknown): Promise<Called>;
  /** GET /v1/payments/{orderId} */
  view(orderId: string): Promise<Called>;
  /** the order's Durable Object */
  stub(orderId: string): DurableObjectStub;
  /** the sandbox's view of this gateway's channel */
  ledger(orderId?: string): ReturnType<typeof sandbox.ledger>;
  calls(orderId?: string): Promise<Record<string, number>>;
  arrived(operation: string, orderId: string): Promise<void>;
  fault(operation: string, fault: Fault, orderId: string, times?: number): Promise<unknown>;
  /**
   * Every LINE Pay call made for the order (the whole channel without one) authenticated as
   * this version does: v2 with the X-LINE-ChannelSecret header and no signature, v4 with a
   * valid signature and never that header. Checks that there were calls at all.
   */
  expectAuthenticated(orderId?: string): Promise<void>;
}

function gateway(
  version: OfflineVersion,
  channelId: string,
  host: string | undefined,
  stub: (name: string) => DurableObjectStub,
): PosGateway {
  const send = (method: string, path: string, o: CallOptions = {}) =>
    call(method, path, { scope: "pos", ...o, ...(host ? { host } : {}) });
  return {
    version,
    channelId,
    call: send,
    pay: (body) => send("POST", "/v1/pos/payments", { body }),
    view: (orderId) => send("GET", `/v1/payments/${encodeURIComponent(orderId)}`),
    stub: (orderId) => stub(`order:${orderId}`),
    ledger: (orderId) => sandbox.ledger(orderId, channelId),
    calls: (orderId) => sandbox.calls({ orderId, channelId }),
    arrived: (operation, orderId) => sandbox.arrived(operation, orderId, channelId),
    fault: (operation, fault, orderId, times = 1) => sandbox.fault(operation, fault, orderId, times, channelId),
    async expectAuthenticated(orderId) {
      const seen = await sandbox.auth({ orderId, channelId });
      const calls = await sandbox.calls({ orderId, channelId });
      const pos = Object.keys(calls).filter((operation) => operation.startsWith("pos."));
      expect(pos.length, `POS calls of ${orderId ?? "the channel"}`).toBeGreaterThan(0);
      const expected = Object.fromEntries(
        pos.map((operation) => {
          const n = calls[operation]!;
          return [
            operation,
            version === "v2" ? { channelSecretHeader: n, signature: 0 } : { channelSecretHeader: 0, signature: n },
          ];
        }),
      );
      expect(Object.fromEntries(pos.map((operation) => [operation, seen[operation]]))).toEqual(expected);
    },
  };
}

const GATEWAYS: Record<OfflineVersion, () => PosGateway> = {
  v2: () => gateway("v2", env.LINEPAY_CHANNEL_ID, undefined, (name) => env.ORDERS.getByName(name)),
  v4: () => gateway("v4", env.V4_LINEPAY_CHANNEL_ID, V4_HOST, (name) => env.ORDERS_V4.getByName(name)),
};

/** The gateway whose POS calls speak Offline API `version`. */
export const posGateway = (version: OfflineVersion): PosGateway => GATEWAYS[version]();
