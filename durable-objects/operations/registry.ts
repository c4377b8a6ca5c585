/**
 * Every operation the order object knows, by name: the caller's and the follow-ups. A missing
 * or misnamed one is a compile error (the maps must cover the command unions exactly).
 */
import type { OrderCommand } from "../../model/commands";
import type { AnyCallerOperation, AnyOperation, FollowUpCommand, FollowUpOperation, Operation } from "../operation";
import { capture } from "./capture";
import { compensate } from "./compensate";
import { confirm } from "./confirm";
import { deposit } from "./deposit";
import { posPay } from "./pos-pay";
import { preapprovedPay } from "./preapproved-pay";
import { refund } from "./refund";
import { registerRegKey } from "./register-regkey";
import { reserve } from "./reserve";
import { verifyAmount } from "./verify-amount";
import { voidPayment } from "./void";
import { watchReservation } from "./watch-reservation";

export const OPERATIONS = {
  reserve,
  confirm,
  capture,
  void: voidPayment,
  refund,
  posPay,
  preapprovedPay,
  deposit,
} satisfies { [Op in OrderCommand["op"]]: Operation<Extract<OrderCommand, { op: Op }>> };

export const FOLLOW_UPS = {
  compensate,
  verifyAmount,
  registerRegKey,
  watchReservation,
} satisfies { [Op in FollowUpCommand["op"]]: FollowUpOperation<Extract<FollowUpCommand, { op: Op }>> };

export type OperationName = OrderCommand["op"] | FollowUpCommand["op"];

const isCallerOperation = (op: OperationName): op is OrderCommand["op"] => Object.hasOwn(OPERATIONS, op);

export function callerOperation(op: OrderCommand["op"]): AnyCallerOperation {
  return OPERATIONS[op];
}

export function anyOperation(op: OperationName): AnyOperation {
  return isCallerOperation(op) ? OPERATIONS[op] : FOLLOW_UPS[op];
}
