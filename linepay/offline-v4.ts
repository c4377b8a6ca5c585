/**
 * Offline API v4's pay body: what sets v4 apart from v2 beyond its path prefix and signing
 * (offline.ts). docs/linepay-offline-v4.md gives the source of every field, and what stays
 * unsure.
 */
import type { PosPayRequest } from "./offline";

/** The package id the pay body carries: one package per POS sale, so a fixed id suffices. */
export const POS_PACKAGE_ID = "pos";

/**
 * The gateway's POS body as v4's pay body, in one place (docs/linepay-offline-v4.md, "The POS
 * body on v4"): one package with one product named after `productName` at the full amount;
 * `capture` as `options.payment.capture`; `extras` as `options.extra`. Fields the caller did
 * not give are left out, so LINE Pay's defaults apply (capture true). The package carries no
 * `name`: its limit is not known to reach productName's 4,000 characters.
 */
export function posPayBodyV4(request: PosPayRequest): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (request.capture !== undefined) options.payment = { capture: request.capture };
  if (request.extras !== undefined) options.extra = request.extras;
  return {
    amount: request.amount,
    currency: request.currency,
    orderId: request.orderId,
    oneTimeKey: request.oneTimeKey,
    packages: [
      {
        id: POS_PACKAGE_ID,
        amount: request.amount,
        products: [{ name: request.productName, quantity: 1, price: request.amount }],
      },
    ],
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
}
