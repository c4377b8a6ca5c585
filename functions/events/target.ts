/**
 * Where one event goes and what signs it. THE place to extend for per-merchant targets (issue
 * 15, CONTRACT.md "Merchants"): when `message.merchantId` is set, that merchant's
 * `eventsWebhookUrl` / `eventsWebhookSecret` override the global ones. Async already, so that
 * reading a merchant's record changes no caller.
 */
import type { Config } from "../../model/config";
import type { EventMessage } from "../../model/events";

export interface DeliveryTarget {
  url: string;
  /** a `whsec_` secret, checked by model/config.ts */
  secret: string;
}

/** Undefined: no receiver is configured for this message, so nothing is sent. */
export async function deliveryTarget(_message: EventMessage, config: Config): Promise<DeliveryTarget | undefined> {
  const { webhookUrl, secret } = config.events;
  // model/config.ts refuses a URL without a secret; both are needed to send.
  if (!webhookUrl || !secret) return undefined;
  return { url: webhookUrl, secret };
}
