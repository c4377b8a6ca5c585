/**
 * The sandbox's test controls (README "Sandbox controls"), reached over the SANDBOX service
 * binding: faults, approvals, call counts and the ledger.
 */
import { env } from "cloudflare:workers";

const BASE = "http://sandbox.linepay.test";

// Control answers are loosely typed JSON that tests pick apart.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function control(method: string, path: string, body?: unknown): Promise<any> {
  const res = await env.SANDBOX.fetch(`${BASE}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export type { Fault } from "../../sandbox/faults";
import type { Fault } from "../../sandbox/faults";
import type { AuthSeen } from "../../sandbox/store";

const query = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  return q.size > 0 ? `?${q}` : "";
};

type CallFilter = { orderId?: string; regKey?: string; channelId?: string };

export const sandbox = {
  /** Registers another channel (its own secret and ledger), or gives a known one a new secret. */
  channel: (channelId: string, channelSecret: string) =>
    control("POST", "/__sandbox/channels", { channelId, channelSecret }),
  fault: (operation: string, fault: Fault, orderId?: string, times = 1, channelId?: string) =>
    control("POST", "/__sandbox/faults", {
      operation,
      fault,
      times,
      ...(orderId ? { orderId } : {}),
      ...(channelId ? { channelId } : {}),
    }),
  clearFaults: (orderId?: string) =>
    control("DELETE", `/__sandbox/faults${orderId ? `?orderId=${encodeURIComponent(orderId)}` : ""}`),
  approve: (transactionId: string) => control("POST", `/__sandbox/reservations/${transactionId}/approve`),
  cancel: (transactionId: string) => control("POST", `/__sandbox/reservations/${transactionId}/cancel`),
  /** Calls of the first channel, or of `channelId`. */
  async calls(filter: CallFilter = {}): Promise<Record<string, number>> {
    return (await control("GET", `/__sandbox/calls${query(filter)}`)).calls;
  },
  /**
   * Per operation, how many of those calls carried v2's X-LINE-ChannelSecret header and how
   * many a signature that verifies with the channel's secret.
   */
  async auth(filter: CallFilter = {}): Promise<Record<string, AuthSeen>> {
    return (await control("GET", `/__sandbox/calls${query(filter)}`)).auth;
  },
  /** Resolves once a call of `operation` for this order has reached the sandbox (of `channelId`). */
  async arrived(operation: string, orderId: string, channelId?: string): Promise<void> {
    for (let i = 0; i < 500; i++) if (((await sandbox.calls({ orderId, channelId }))[operation] ?? 0) > 0) return;
    throw new Error(`no ${operation} for ${orderId} reached the sandbox`);
  },
  /** Waits until the sandbox has finished work it does after its caller gave up (late faults). */
  idle: () => control("GET", "/__sandbox/idle"),
  /** The first channel's ledger, or `channelId`'s. */
  ledger: (orderId?: string, channelId?: string) => control("GET", `/__sandbox/ledger${query({ orderId, channelId })}`),
  oneTimeKey: async (): Promise<string> => (await control("POST", "/__sandbox/one-time-keys")).oneTimeKey,
  regKey: (orderId: string, channelId?: string) => control("GET", `/__sandbox/regkeys${query({ orderId, channelId })}`),
};
