/**
 * The RPC surface of the Durable Objects, as the HTTP edge sees it. Objects are named
 * `<scope>:<id>` so an orderId and a depositId can never share an object.
 */
import type { GatewayAnswer } from "./answer";
import type { OrderCommand } from "./commands";
import type { DeliveryReport } from "./events";

export type OrderScope = "order" | "deposit";

export interface OrderRef {
  scope: OrderScope;
  /** the caller's orderId or depositId, as given */
  id: string;
}

export function objectName(ref: OrderRef): string {
  return `${ref.scope}:${ref.id}`;
}

export interface OrderObjectRpc {
  /** Runs one operation on the order: replayed, coalesced or sent upstream. */
  execute(ref: OrderRef, command: OrderCommand): Promise<GatewayAnswer>;
  /** The order (or deposit) with its events; a 404 problem when it does not exist. */
  view(ref: OrderRef): Promise<GatewayAnswer>;
  /** The events consumer reports one delivery attempt of one of this object's events. */
  recordDelivery(report: DeliveryReport): Promise<void>;
  /** Its regKey lane reports that the regKey this order issued was expired (told once). */
  regKeyExpired(returnCode: string | undefined): Promise<void>;
}

/**
 * The regKey lane (`REGKEY_LANES.getByName(tokenId)`) as the edge sees it: both take the
 * token id (SHA-256 of the token, model/regkey-token.ts), never the token.
 */
export interface RegKeyLaneRpc {
  /** `{status: "ACTIVE" | "EXPIRED"}` from LINE Pay's regKey check; 404 for an unknown token. */
  status(tokenId: string): Promise<GatewayAnswer>;
  /** Expires the regKey at LINE Pay and removes it from the vault: `{status: "EXPIRED"}`. */
  expire(tokenId: string): Promise<GatewayAnswer>;
}
