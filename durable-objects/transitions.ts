/**
 * The order state machine's guard: which operation may start from which state, as each
 * operation declares it (`startsFrom`, operations/). A creating operation starts from NEW (no
 * order yet). Settled states are whatever LINE Pay's answer says; this only guards the start.
 */
import type { OrderOperation } from "../model/commands";
import { GatewayError } from "../model/problem";
import type { StartState } from "./operation";
import { OPERATIONS } from "./operations/registry";
import type { OrderRecord } from "./store/order-store";

/** The whole table, read from the operations (for docs and tests). */
export const TRANSITIONS = Object.fromEntries(
  Object.entries(OPERATIONS).map(([op, operation]) => [op, operation.startsFrom]),
) as Record<OrderOperation, readonly StartState[]>;

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
