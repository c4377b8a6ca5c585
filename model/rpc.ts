/**
 * The RPC surface of the Durable Objects, as the HTTP edge sees it. Objects are named
 * `<scope>:<id>` so an orderId and a depositId can never share an object, behind their
 * merchant's prefix (model/merchant.ts `objectPrefix`) so that two merchants' orderIds never
 * share one either: another merchant's order is, to a caller, simply an order that does not exist.
 */
import type { GatewayAnswer } from "./answer";
import type { OrderCommand } from "./commands";
import type { DeliveryReport } from "./events";
import { objectPrefix, ownMerchantId, type Merchant } from "./merchant";

export type OrderScope = "order" | "deposit";

export interface OrderRef {
  scope: OrderScope;
  /** the caller's orderId or depositId, as given */
  id: string;
  /** whose order it is; absent for the default merchant */
  merchantId?: string;
}

/** The ref of `merchant`'s order or deposit `id`. */
export function refOf(merchant: Pick<Merchant, "merchantId">, scope: OrderScope, id: string): OrderRef {
  return { scope, id, ...ownMerchantId(merchant) };
}

export function objectName(ref: OrderRef): string {
  return `${objectPrefix(ref.merchantId)}${ref.scope}:${ref.id}`;
}

/** The lane (and vault entry) of `merchant`'s token id. */
export function laneName(merchant: Pick<Merchant, "merchantId">, tokenId: string): string {
  return `${objectPrefix(merchant.merchantId)}${tokenId}`;
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
 * The regKey lane (`REGKEY_LANES.getByName(laneName)`) as the edge sees it: both take the lane
 * name (the merchant's prefix and the SHA-256 of the token, model/regkey-token.ts), never the token.
 */
export interface RegKeyLaneRpc {
  /** `{status: "ACTIVE" | "EXPIRED"}` from LINE Pay's regKey check; 404 for an unknown token. */
  status(tokenId: string): Promise<GatewayAnswer>;
  /** Expires the regKey at LINE Pay and removes it from the vault: `{status: "EXPIRED"}`. */
  expire(tokenId: string): Promise<GatewayAnswer>;
}
