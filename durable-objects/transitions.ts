/**
 * The order state machine as one table: which operation may start from which state. A
 * creating operation starts from NEW (no order yet). Settled states are whatever the flow's
 * LINE Pay answer says; this table only guards the start.
 */
import type { OrderOperation } from "../model/commands";
import { GatewayError } from "../model/problem";
import type { OrderRecord } from "./store/order-store";

type From = "NEW" | OrderRecord["state"];

export const TRANSITIONS: Record<OrderOperation, readonly From[]> = {
  reserve: ["NEW"],
  posPay: ["NEW"],
  preapprovedPay: ["NEW"],
  deposit: ["NEW"],
  confirm: ["RESERVED"],
  capture: ["AUTHORIZED"],
  void: ["AUTHORIZED"],
  refund: ["CAPTURED", "PARTIALLY_REFUNDED"],
};

/** Throws the contract's answer when `op` may not start on `order`. */
export function assertTransition(op: OrderOperation, order: OrderRecord | undefined, label: string): void {
  const allowed = TRANSITIONS[op];
  if (!order) {
    if (allowed.includes("NEW")) return;
    throw new GatewayError("not_found", `no ${label} with this id`);
  }
  if (allowed.includes("NEW")) {
    // A creating operation on an existing order is the same id reused for something else.
    throw new GatewayError("idempotency_mismatch", `this ${label} id is already used by another request`);
  }
  if (order.state === "UNKNOWN") {
    throw new GatewayError("in_progress", `the ${label}'s last operation has an unknown outcome; recovery is running`, {
      retryAfter: 5,
    });
  }
  if (!allowed.includes(order.state)) {
    throw new GatewayError("invalid_state", `cannot ${op} a ${label} in state ${order.state}`);
  }
}
