/**
 * The merchant directory: a merchantId to its `Merchant` (secrets opened), for the edge (the
 * caller's `merchant` claim, the merchant deposit webhook) and for the order objects (each LINE
 * Pay call of an order uses its own merchant's current channel).
 *
 * The record's home is its merchant object; this keeps what it answered in the isolate's memory
 * for MERCHANT_CACHE_TTL_MS, so the hot path (a POS pay, a confirm) does no extra round trip:
 * a cached lookup is a Map read, no RPC. Unknown ids are cached the same way, so a stream of
 * tokens naming a merchant nobody registered costs one lookup per TTL, not one per request.
 *
 * What the TTL means for a change (PUT, DELETE): the isolate that handled it forgets its entry
 * at once (`forgetMerchant`), so the next lookup there sees the change; every other isolate
 * sees it when its entry expires, within MERCHANT_CACHE_TTL_MS. A rotated channelSecret is
 * therefore used from the next call in that isolate and within 5 s everywhere else; a call
 * signed with the old secret in that window is refused by LINE Pay (1104, nothing processed).
 */
import { ConfigError, readConfig } from "../../model/config";
import {
  DEFAULT_MERCHANT_ID,
  MERCHANT_ID_PATTERN,
  MERCHANT_KEYS_PROBLEM,
  defaultMerchant,
  type Merchant,
} from "../../model/merchant";

/**
 * 5 s: long enough that a busy isolate (hundreds of calls a second for one merchant) asks the
 * merchant object about once per 5 s instead of once per call; short enough that a disable or
 * a secret rotation is everywhere within a few seconds, well inside the minutes an operator
 * takes to rotate a secret at LINE Pay's merchant center.
 */
export const MERCHANT_CACHE_TTL_MS = 5_000;
/** A bound on memory: tokens may name any number of ids; the oldest entries go first. */
const MAX_ENTRIES = 1_000;

interface Entry {
  at: number;
  merchant: Promise<Merchant | undefined>;
}

const cache = new Map<string, Entry>();

/**
 * The merchant `merchantId` names, or undefined when none is registered (a DISABLED merchant is
 * returned: the caller decides what it may still do). `default` is the configured default
 * merchant. A merchant whose secrets MERCHANT_KEYS cannot open throws a ConfigError.
 */
export function merchantFor(env: Env, merchantId: string): Promise<Merchant | undefined> {
  if (merchantId === DEFAULT_MERCHANT_ID) return Promise.resolve(defaultMerchant(readConfig(env), env));
  if (!MERCHANT_ID_PATTERN.test(merchantId)) return Promise.resolve(undefined);
  const now = Date.now();
  const hit = cache.get(merchantId);
  if (hit && now - hit.at >= 0 && now - hit.at < MERCHANT_CACHE_TTL_MS) return hit.merchant;

  // Concurrent misses share one lookup; a failed lookup is not kept.
  const entry: Entry = { at: now, merchant: lookUp(env, merchantId) };
  entry.merchant.catch(() => {
    if (cache.get(merchantId) === entry) cache.delete(merchantId);
  });
  cache.delete(merchantId);
  cache.set(merchantId, entry);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return entry.merchant;
}

async function lookUp(env: Env, merchantId: string): Promise<Merchant | undefined> {
  try {
    return (await env.MERCHANTS.getByName(merchantId).merchant()) ?? undefined;
  } catch (error) {
    // The object names the setting (never a value) when it cannot open the secrets.
    if (error instanceof Error && error.message.startsWith(MERCHANT_KEYS_PROBLEM)) throw new ConfigError(error.message);
    throw error;
  }
}

/**
 * Drops this isolate's entry for `merchantId`: after a PUT or DELETE (so the next lookup here
 * sees it), or when LINE Pay refused a call with the cached channel (1104 / 1106), so that a
 * retry uses the channel as it is now.
 */
export function forgetMerchant(merchantId: string): void {
  cache.delete(merchantId);
}
