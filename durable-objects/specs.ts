/** Every operation the order object knows, by name. */
import type { OperationRecord } from "./store/order-store";
import { captureSpec, refundSpec, voidSpec } from "./flows/after-payment";
import { compensateSpec } from "./flows/amount-check";
import { confirmSpec, reserveSpec } from "./flows/online";
import { posPaySpec } from "./flows/pos";
import { depositSpec } from "./flows/deposit";
import { preapprovedPaySpec } from "./flows/preapproved";
import type { AnySpec } from "./flows/operation";

const SPECS: Record<string, AnySpec> = {
  reserve: reserveSpec,
  confirm: confirmSpec,
  capture: captureSpec,
  void: voidSpec,
  refund: refundSpec,
  posPay: posPaySpec,
  deposit: depositSpec,
  preapprovedPay: preapprovedPaySpec,
  compensate: compensateSpec,
};

export function specFor(op: OperationRecord["op"]): AnySpec {
  const spec = SPECS[op];
  if (!spec) throw new Error(`no operation ${op}`);
  return spec;
}
