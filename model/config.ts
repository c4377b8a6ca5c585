/**
 * Configuration, read and checked once per isolate (per env object) into a typed `Config`.
 * A missing or malformed setting fails fast with a message that names it (never its value);
 * every problem is found, not only the first, so that `GET /healthz` can list them all
 * (`configProblems`). CONTRACT.md "Configuration" is the list.
 */

import { GatewayError } from "./problem";
import type { LinePayClientOptions } from "../linepay/types";

/** Vars the contract names but `wrangler.toml` leaves unset. */
interface OptionalVars {
  LINEPAY_TIMEOUT_MS?: string;
  LINEPAY_DEVICE_PROFILE_ID?: string;
  AUTH_JWKS_URL?: string;
  EVENTS_WEBHOOK_URL?: string;
}

export type ConfigEnv = Env & OptionalVars;

/**
 * A set of AES-256 keys by kid, one of them active: the shape of REGKEY_KEYS and MERCHANT_KEYS.
 * Seal under the active kid, open under the kid a ciphertext names; more than one kid is a
 * rotation in progress.
 */
export interface Keyring {
  active: string;
  /** kid → 32 raw key bytes */
  keys: Record<string, Uint8Array>;
}

export type RegKeyKeyring = Keyring;

export interface Config {
  /** exactly what the LINE Pay client takes (linepay/types.ts), read from the env */
  linePay: Omit<LinePayClientOptions, "fetch" | "log">;
  auth: {
    jwtSecret?: string;
    jwksUrl?: string;
    audience: string;
  };
  regKeyKeys?: Keyring;
  /** seals each registered merchant's channel and webhook secrets (MERCHANT_KEYS); optional */
  merchantKeys?: Keyring;
  depositWebhookSecrets: string[];
  /** Events to the merchant (functions/events/): no `webhookUrl`, nothing is sent. */
  events: {
    webhookUrl?: string;
    /** the `whsec_<base64>` string, checked to decode to at least 16 key bytes */
    secret?: string;
    /** seconds before the first redelivery; each later one doubles, capped at 1 h */
    retryDelayS: number;
  };
}

/** A configuration the gateway cannot serve with: 500 `configuration_error`, naming (never showing) each setting. */
export class ConfigError extends GatewayError {
  /** one line per setting, naming it and never showing its value */
  readonly problems: string[];

  constructor(message: string, problems: string[] = [message]) {
    super("configuration_error", message);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

const cache = new WeakMap<object, Config>();

export function readConfig(env: ConfigEnv): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const config = parseConfig(env);
  cache.set(env, config);
  return config;
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function positiveInt(name: string, value: string | undefined, fallback?: number): number | undefined {
  const v = present(value);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new ConfigError(`${name} must be a positive integer of milliseconds`);
  return Number(v);
}

/**
 * Where "production mode" starts: an events URL must be https unless its host is this machine
 * (localhost, *.localhost, 127.0.0.0/8, ::1) or a reserved test name (*.test, RFC 2606), which
 * no deployed receiver can have. No separate mode switch to forget: `npm start` and the tests
 * deliver over http to such hosts, and any other host gets TLS or a configuration problem.
 */
export const isLocalHost = (hostname: string): boolean =>
  /^(localhost|\[::1\]|127(\.\d{1,3}){3}|test)$|\.(localhost|test)$/i.test(hostname.replace(/\.$/, ""));

/** Standard Webhooks secrets: `whsec_` and the base64 of at least 16 key bytes. */
export const MIN_WEBHOOK_KEY_BYTES = 16;

export function webhookKeyBytes(secret: string): Uint8Array | undefined {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!m) return undefined;
  try {
    const bytes = Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0));
    return bytes.length >= MIN_WEBHOOK_KEY_BYTES ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** EVENTS_RETRY_DELAY_S when unset: the first redelivery after 30 s, doubling from there. */
export const DEFAULT_RETRY_DELAY_S = 30;

/** CONTRACT.md "Events to the merchant": every problem here is named, none is a surprise at delivery. */
function parseEvents(env: ConfigEnv, invalid: string[]): Config["events"] {
  const rawUrl = present(env.EVENTS_WEBHOOK_URL);
  const secret = present(env.EVENTS_WEBHOOK_SECRET);
  const rawDelay = present(env.EVENTS_RETRY_DELAY_S);
  let webhookUrl: string | undefined;
  if (rawUrl !== undefined) {
    const url = URL.parse(rawUrl);
    const name = "EVENTS_WEBHOOK_URL must ";
    if (url?.protocol !== "https:" && url?.protocol !== "http:") invalid.push(`${name}be an https URL`);
    else if (url.protocol === "http:" && !isLocalHost(url.hostname)) {
      invalid.push(`${name}be https (http only for localhost, 127.0.0.1, ::1 and *.test hosts)`);
    } else if (url.username || url.password) invalid.push(`${name}not carry credentials`);
    else webhookUrl = url.href;
    if (secret === undefined) invalid.push("EVENTS_WEBHOOK_SECRET is missing (EVENTS_WEBHOOK_URL is set)");
  }
  if (secret !== undefined && !webhookKeyBytes(secret)) {
    invalid.push(`EVENTS_WEBHOOK_SECRET must be whsec_ and the base64 of at least ${MIN_WEBHOOK_KEY_BYTES} bytes`);
  }
  let retryDelayS = DEFAULT_RETRY_DELAY_S;
  if (rawDelay !== undefined) {
    if (/^\d+$/.test(rawDelay) && Number(rawDelay) > 0) retryDelayS = Number(rawDelay);
    else invalid.push("EVENTS_RETRY_DELAY_S must be a positive integer of seconds");
  }
  return { webhookUrl, secret, retryDelayS };
}

function base64urlToBytes(text: string): Uint8Array {
  const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Parses a keyring setting (`name` is REGKEY_KEYS or MERCHANT_KEYS); messages name it, never a key. */
export function parseKeyring(name: string, raw: string): Keyring {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} is not valid JSON`);
  }
  const shape = parsed as { active?: unknown; keys?: unknown };
  if (typeof shape.active !== "string" || typeof shape.keys !== "object" || shape.keys === null) {
    throw new ConfigError(`${name} must look like {"active":"<kid>","keys":{"<kid>":"<base64url>"}}`);
  }
  const keys: Record<string, Uint8Array> = {};
  for (const [kid, value] of Object.entries(shape.keys as Record<string, unknown>)) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = typeof value === "string" ? base64urlToBytes(value) : undefined;
    } catch {
      bytes = undefined;
    }
    if (!bytes || bytes.length !== 32) throw new ConfigError(`${name} key "${kid}" must be base64url of 32 bytes`);
    keys[kid] = bytes;
  }
  if (!keys[shape.active]) throw new ConfigError(`${name} active kid "${shape.active}" has no key`);
  return { active: shape.active, keys };
}

export const parseRegKeyKeys = (raw: string): Keyring => parseKeyring("REGKEY_KEYS", raw);
export const parseMerchantKeys = (raw: string): Keyring => parseKeyring("MERCHANT_KEYS", raw);

function parseConfig(env: ConfigEnv): Config {
  const missing: string[] = [];
  const invalid: string[] = [];
  const need = (name: keyof ConfigEnv): string => {
    const v = present(env[name] as string | undefined);
    if (v === undefined) missing.push(String(name));
    return v ?? "";
  };
  const check = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      invalid.push(error.message);
      return undefined;
    }
  };
  const apiBase = need("LINEPAY_API_BASE").replace(/\/+$/, "");
  const channelId = need("LINEPAY_CHANNEL_ID");
  const channelSecret = need("LINEPAY_CHANNEL_SECRET");
  const jwtSecret = present(env.AUTH_JWT_SECRET);
  const jwksUrl = present(env.AUTH_JWKS_URL);
  if (!jwtSecret && !jwksUrl) missing.push("AUTH_JWT_SECRET or AUTH_JWKS_URL");
  if (apiBase && !/^https?:\/\//.test(apiBase)) invalid.push("LINEPAY_API_BASE must be an http(s) URL");

  const version = present(env.LINEPAY_ONLINE_VERSION) ?? "v3";
  if (version !== "v3" && version !== "v4") invalid.push("LINEPAY_ONLINE_VERSION must be v3 or v4");
  const offlineVersion = present(env.LINEPAY_OFFLINE_VERSION) ?? "v2";
  if (offlineVersion !== "v2" && offlineVersion !== "v4") invalid.push("LINEPAY_OFFLINE_VERSION must be v2 or v4");

  const regKeysRaw = present(env.REGKEY_KEYS);
  const regKeyKeys = regKeysRaw ? check(() => parseRegKeyKeys(regKeysRaw)) : undefined;
  // Optional: a single-merchant deployment needs none; a malformed one is refused like REGKEY_KEYS.
  const merchantKeysRaw = present(env.MERCHANT_KEYS);
  const merchantKeys = merchantKeysRaw ? check(() => parseMerchantKeys(merchantKeysRaw)) : undefined;
  const webhookRaw = present(env.DEPOSIT_WEBHOOK_SECRET);
  const depositWebhookSecrets = webhookRaw ? webhookRaw.split(/\s+/) : [];
  if (depositWebhookSecrets.some((s) => !s.startsWith("whsec_"))) {
    invalid.push("DEPOSIT_WEBHOOK_SECRET entries must start with whsec_");
  }
  const timeoutMs = check(() => positiveInt("LINEPAY_TIMEOUT_MS", env.LINEPAY_TIMEOUT_MS));
  const posTimeoutMs = check(() => positiveInt("LINEPAY_POS_TIMEOUT_MS", env.LINEPAY_POS_TIMEOUT_MS, 45_000));
  const events = parseEvents(env, invalid);

  if (missing.length > 0 || invalid.length > 0) {
    const message = [...(missing.length > 0 ? [`missing configuration: ${missing.join(", ")}`] : []), ...invalid];
    throw new ConfigError(message.join("; "), [...missing.map((name) => `${name} is missing`), ...invalid]);
  }

  return {
    linePay: {
      apiBase,
      channelId,
      channelSecret,
      deviceProfileId: present(env.LINEPAY_DEVICE_PROFILE_ID),
      deviceType: present(env.LINEPAY_DEVICE_TYPE) ?? "POS",
      timeoutMs,
      posTimeoutMs: posTimeoutMs ?? 45_000,
      onlineVersion: version as "v3" | "v4", // checked above: any other value threw
      offlineVersion: offlineVersion as "v2" | "v4",
    },
    auth: { jwtSecret, jwksUrl, audience: present(env.AUTH_AUDIENCE) ?? "linepay-gateway" },
    regKeyKeys,
    merchantKeys,
    depositWebhookSecrets,
    events,
  };
}

/**
 * Every reason this configuration cannot serve, one line per setting, for `GET /healthz`:
 * what `readConfig` refuses (every route fails on it), and the secrets some routes need that
 * `readConfig` lets be absent: without REGKEY_KEYS a PREAPPROVED confirm cannot keep its regKey,
 * without DEPOSIT_WEBHOOK_SECRET every deposit webhook answers 500.
 */
export function configProblems(env: ConfigEnv): string[] {
  const problems: string[] = [];
  try {
    readConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (!present(env.REGKEY_KEYS)) problems.push("REGKEY_KEYS is missing");
  if (!present(env.DEPOSIT_WEBHOOK_SECRET)) problems.push("DEPOSIT_WEBHOOK_SECRET is missing");
  return problems;
}
