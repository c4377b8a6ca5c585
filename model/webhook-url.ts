/**
 * Where the gateway may send a signed webhook (a merchant's `eventsWebhookUrl`): https, or plain
 * http only to a host that cannot be on the public internet, loopback or a reserved test name
 * (localhost, *.localhost, 127.0.0.0/8, [::1] — RFC 6761 — and *.test — RFC 2606), so a local
 * receiver works under `npm start` and in tests while a production URL is always TLS. No
 * user:password in the URL: it is shown by GET /v1/merchants/{merchantId}, which never shows a
 * secret. The same host rule as EVENTS_WEBHOOK_URL's check (config.ts `isLocalHost`): one rule
 * for both.
 */
import { isLocalHost } from "./config";

export function isDeliverableWebhookUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.username !== "" || url.password !== "") return false;
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && isLocalHost(url.hostname);
}
