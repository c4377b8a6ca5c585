/**
 * The RPC surface of the Durable Objects, as the HTTP edge sees it. Objects are named
 * `<scope>:<id>` so an orderId and a depositId can never share an object.
 */
import type { GatewayAnswer } from "./answer";
import type { OrderCommand } from "./commands";

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
}
