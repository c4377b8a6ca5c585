/**
 * The table every POS test runs from: the gateway's POS for each Offline API version, behind one
 * face, so a test is written once and run for v2 and v4 (`describe.each(OFFLINE_VERSIONS)`), or
 * picks the version per order (the soak). v2 is the default merchant, as the tests set it up
 * (wrangler.toml's LINEPAY_OFFLINE_VERSION, v2); v4 a merchant registered with
 * `offlineVersion: "v4"` and a channel of its own, whose every LINE Pay call the gateway makes on
 * v4. What a test reads about an order (its object, the sandbox's ledger, calls and faults) goes
 * through the version that owns the order, at its channel.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { OFFLINE_VERSIONS, type OfflineVersion } from "../../model/merchant";
import { objectName } from "../../model/rpc";
import { posPayBody } from "./flows";
import { call, uniqueId, type CallOptions, type Called } from "./gateway";
import { admin, newChannelId, newChannelSecret } from "./merchants";
import { sandbox, type Fault } from "./sandbox";

export { OFFLINE_VERSIONS, type OfflineVersion };

export interface PosGateway {
  version: OfflineVersion;
  /** the LINE Pay channel its calls use, at the sandbox */
  channelId: string;
  /** that channel's secret (for the secrets scan: it must appear nowhere) */
  channelSecret: string;
  /** a request to the gateway as this version's merchant (scope `pos` unless given) */
  call(method: string, path: string, o?: CallOptions): Promise<Called>;
  /** POST /v1/pos/payments */
  pay(body: unknown): Promise<Called>;
  /**
   * A pay of `orderId` that LINE Pay takes while its answer is lost, and whose first status
   * check fails too: the gateway answers 202 UNKNOWN and leaves the rest to its alarm.
   */
  payUnknown(orderId: string): Promise<Called>;
  /** GET /v1/payments/{orderId} */
  view(orderId: string): Promise<Called>;
  /** the order's Durable Object */
  stub(orderId: string): DurableObjectStub;
  /** the sandbox's view of this version's channel */
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

interface Owner {
  /** undefined: the default merchant */
  merchantId?: string;
  channelId: string;
  channelSecret: string;
  /** resolves once the merchant and its channel are registered */
  ready(): Promise<void>;
}

function gateway(version: OfflineVersion, owner: Owner): PosGateway {
  const { merchantId, channelId } = owner;
  const send = async (method: string, path: string, o: CallOptions = {}) => {
    await owner.ready();
    return call(method, path, { scope: "pos", ...o, ...(merchantId ? { merchant: merchantId } : {}) });
  };
  const atChannel =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await owner.ready();
      return read(...args);
    };
  return {
    version,
    channelId,
    channelSecret: owner.channelSecret,
    call: send,
    pay: (body) => send("POST", "/v1/pos/payments", { body }),
    async payUnknown(orderId) {
      await owner.ready();
      await sandbox.fault("pos.pay", { type: "drop" }, orderId, 1, channelId);
      await sandbox.fault("pos.check", { type: "http", status: 500 }, orderId, 1, channelId);
      return send("POST", "/v1/pos/payments", { body: await posPayBody(orderId) });
    },
    view: (orderId) => send("GET", `/v1/payments/${encodeURIComponent(orderId)}`),
    stub: (orderId) => env.ORDERS.getByName(objectName({ scope: "order", id: orderId, merchantId })),
    ledger: atChannel((orderId?: string) => sandbox.ledger(orderId, channelId)),
    calls: atChannel((orderId?: string) => sandbox.calls({ orderId, channelId })),
    arrived: atChannel((operation: string, orderId: string) => sandbox.arrived(operation, orderId, channelId)),
    fault: atChannel((operation: string, fault: Fault, orderId: string, times = 1) =>
      sandbox.fault(operation, fault, orderId, times, channelId),
    ),
    async expectAuthenticated(orderId) {
      await owner.ready();
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

/** The v4 merchant: one per test file, registered (at the gateway and the sandbox) on first use. */
const v4Merchant = { merchantId: uniqueId("pos-v4"), channelId: newChannelId(), channelSecret: newChannelSecret() };
let v4Registered: Promise<void> | undefined;

function registerV4(): Promise<void> {
  v4Registered ??= (async () => {
    const { merchantId, channelId, channelSecret } = v4Merchant;
    await sandbox.channel(channelId, channelSecret);
    // The same configured terminal as the default merchant's (LINEPAY_DEVICE_PROFILE_ID); events
    // go where the default merchant's go (no URL of its own).
    const put = await admin("PUT", merchantId, {
      channelId,
      channelSecret,
      offlineVersion: "v4",
      deviceProfileId: env.LINEPAY_DEVICE_PROFILE_ID,
    });
    if (put.status !== 201) throw new Error(`PUT /v1/merchants/${merchantId}: ${put.status} ${put.text}`);
  })();
  return v4Registered;
}

const OWNERS: Record<OfflineVersion, () => Owner> = {
  v2: () => ({
    channelId: env.LINEPAY_CHANNEL_ID,
    channelSecret: env.LINEPAY_CHANNEL_SECRET,
    ready: () => Promise.resolve(),
  }),
  v4: () => ({ ...v4Merchant, ready: registerV4 }),
};

/** The gateway's POS on Offline API `version`. */
export const posGateway = (version: OfflineVersion): PosGateway => gateway(version, OWNERS[version]());
