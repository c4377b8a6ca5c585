/**
 * Where one event goes and what signs it (CONTRACT.md "Merchants"): a merchant's own
 * `eventsWebhookUrl` / `eventsWebhookSecret` when it has them, else the global
 * EVENTS_WEBHOOK_URL / EVENTS_WEBHOOK_SECRET. The merchant is read through the directory (its
 * cache), as it is now: a changed URL or secret applies to the next delivery attempt.
 */
import type { Config } from "../../model/config";
import type { EventMessage } from "../../model/events";
import { merchantFor } from "../../durable-objects/merchant/directory";

export interface DeliveryTarget {
  url: string;
  /** a `whsec_` secret, checked by model/config.ts or the merchant registry */
  secret: string;
}

/** Undefined: no receiver is configured for this message, so nothing is sent. */
export async function deliveryTarget(
  message: EventMessage,
  config: Config,
  env: Env,
): Promise<DeliveryTarget | undefined> {
  if (message.merchantId !== undefined) {
    const merchant = await merchantFor(env, message.merchantId);
    // The registry requires a secret with a URL; both are needed to send.
    if (merchant?.eventsWebhookUrl && merchant.eventsWebhookSecret)
      return { url: merchant.eventsWebhookUrl, secret: merchant.eventsWebhookSecret };
  }
  const { webhookUrl, secret } = config.events;
  // model/config.ts refuses a URL without a secret; both are needed to send.
  if (!webhookUrl || !secret) return undefined;
  return { url: webhookUrl, secret };
}
