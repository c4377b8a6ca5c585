/**
 * Offline API v4's pay body (docs/linepay-offline-v4.md), read into the same request v2's pay
 * carries, so both versions share one handler and one ledger (offline.ts): the product names
 * of `packages[]` stand for v2's `productName`, `options.payment.capture` for its `capture`.
 * v4 requires `packages` (LINE Pay answers a pay without them 2101), adding up as online's do.
 * Keys v4 does not define (v2's `productName`, `capture`, `extras`) are not read: a v2 body sent
 * to v4 is refused for its missing packages, and a stray `capture: false` authorizes nothing.
 */
import type { PosPayFields } from "./offline";
import { packagesAddUp, productNames } from "./packages";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The pay's fields, or undefined for a body LINE Pay refuses with 2101. */
export function posPayFieldsV4(b: Body): PosPayFields | undefined {
  if (typeof b.orderId !== "string" || typeof b.amount !== "number") return undefined;
  if (!packagesAddUp(b.packages, b.amount)) return undefined;
  const options: Body = typeof b.options === "object" && b.options !== null ? b.options : {};
  return {
    orderId: b.orderId,
    amount: b.amount,
    currency: String(b.currency),
    oneTimeKey: String(b.oneTimeKey ?? ""),
    productName: productNames(b.packages),
    capture: options.payment?.capture !== false,
  };
}
