/**
 * Which merchant a caller acts for (CONTRACT.md v2 "Merchants"): the `merchant` claim of its
 * verified JWT, looked up once per request in the merchant directory (cached per isolate, so
 * usually no round trip). No claim: the default merchant of the configuration. A claim naming no
 * registered merchant, or a disabled one where the route starts something new, is 403; unknown
 * and disabled get the same answer. A claim that is not a string makes the token malformed: 401.
 */
import type { JWTPayload } from "jose";
import type { Config } from "../../model/config";
import { defaultMerchant, type Merchant } from "../../model/merchant";
import { merchantFor } from "../../durable-objects/merchant/directory";
import { forbidden, unauthorized } from "./caller-jwt";

export interface MerchantRule {
  /**
   * Whether a DISABLED merchant may still call the route: true for what continues its existing
   * orders (reads, refunds, voids, expiring a regKey); false (the default) for what moves new
   * money (reservations, confirms, captures, payments, deposits).
   */
  allowDisabled?: boolean;
}

export async function callerMerchant(
  claims: JWTPayload,
  config: Config,
  env: Env,
  { allowDisabled = false }: MerchantRule = {},
): Promise<Merchant> {
  const claim = claims.merchant;
  if (claim === undefined) return defaultMerchant(config, env);
  if (typeof claim !== "string") {
    throw unauthorized("the token's merchant claim must be a string");
  }
  const merchant = await merchantFor(env, claim);
  if (!merchant || (merchant.status === "DISABLED" && !allowDisabled)) {
    throw forbidden("the token's merchant is not registered, or is disabled");
  }
  return merchant;
}
