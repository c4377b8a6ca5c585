/** Every operation the order object knows, by name: the caller's and the follow-ups. */
import type { OrderCommand } from "../model/commands";
import { captureSpec, refundSpec, voidSpec } from "./flows/after-payment";
import { compensateSpec, verifyAmountSpec } from "./flows/amount-check";
import { registerRegKeySpec } from "./flows/confirm-hooks";
import { depositSpec } from "./flows/deposit";
import type { FollowUpCommand } from "./flows/follow-ups";
import { confirmSpec, reserveSpec } from "./flows/online";
import type { AnyOperationSpec, AnySpec, FollowUpSpec } from "./flows/operation";
import { posPaySpec } from "./flows/pos";
import { preapprovedPaySpec } from "./flows/preapproved";
import { watchReservationSpec } from "./flows/reservation-watch";

const OPERATIONS = {
  reserve: reserveSpec,
  confirm: confirmSpec,
  capture: captureSpec,
  void: voidSpec,
  refund: refundSpec,
  posPay: posPaySpec,
  deposit: depositSpec,
  preapprovedPay: preapprovedPaySpec,
} satisfies { [Op in OrderCommand["op"]]: AnyOperationSpec };

const FOLLOW_UPS = {
  compensate: compensateSpec,
  verifyAmount: verifyAmountSpec,
  registerRegKey: registerRegKeySpec,
  watchReservation: watchReservationSpec,
} satisfies { [Op in FollowUpCommand["op"]]: FollowUpSpec<Extract<FollowUpCommand, { op: Op }>> };

export function operationFor(op: OrderCommand["op"]): AnyOperationSpec {
  return OPERATIONS[op];
}

export function specFor(op: OrderCommand["op"] | FollowUpCommand["op"]): AnySpec {
  return op in OPERATIONS ? OPERATIONS[op as OrderCommand["op"]] : FOLLOW_UPS[op as FollowUpCommand["op"]];
}
