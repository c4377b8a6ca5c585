/**
 * A merchant's LINE Pay client, for the objects that call LINE Pay on its behalf (an order, a
 * deposit, a regKey lane): always the merchant the object belongs to, whatever the caller, and
 * its channel as the directory has it now, so a rotated secret is used from the next call on
 * (directory.ts says how soon that is in other isolates). A DISABLED merchant still gets its
 * client: recovery, refunds and expiries of its existing orders go on.
 */
import { readConfig } from "../../model/config";
import { DEFAULT_MERCHANT_ID, type Merchant } from "../../model/merchant";
import { GatewayError } from "../../model/problem";
import { createLinePayClient, type LinePayClient } from "../../linepay/client";
import { logLinePayCall } from "../log";
import { forgetMerchant, merchantFor } from "./directory";

export interface MerchantChannel {
  merchant: Merchant;
  linePay: LinePayClient;
}

export async function merchantChannel(env: Env, merchantId: string = DEFAULT_MERCHANT_ID): Promise<MerchantChannel> {
  const config = readConfig(env);
  const merchant = await merchantFor(env, merchantId);
  // Merchants are disabled, never removed: no record means the registry itself is unreadable.
  if (!merchant) throw new GatewayError("internal_error", "the order's merchant is not in the registry");
  const linePay = createLinePayClient({
    ...config.linePay,
    channelId: merchant.channel.channelId,
    channelSecret: merchant.channel.channelSecret,
    deviceProfileId: merchant.deviceProfileId,
    offlineVersion: merchant.offlineVersion,
    log: logLinePayCall,
    // A secret rotated since it was cached: the next call reads the record again.
    onCredentialsRefused: () => forgetMerchant(merchantId),
  });
  return { merchant, linePay };
}
