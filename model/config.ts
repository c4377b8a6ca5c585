/**
 * Configuration, read and checked once per isolate (per env object) into a typed `Config`.
 * A missing or malformed setting fails fast with a message that names it (never its value).
 * CONTRACT.md "Configuration" is the list.
 */

import type { LinePayClientOptions } from "../linepay/types";

/** Vars the contract names but `wrangler.toml` leaves unset. */
interface OptionalVars {
  LINEPAY_TIMEOUT_MS?: string;
  LINEPAY_DEVICE_PROFILE_ID?: string;
  AUTH_JWKS_URL?: string;
}

export type ConfigEnv = Env & OptionalVars;

export interface RegKeyKeyring {
  active: string;
  /** kid → 32 raw key bytes */
  keys: Record<string, Uint8Array>;
}

export interface Config {
  /** exactly what the LINE Pay client takes (linepay/types.ts), read from the env */
  linePay: Omit<LinePayClientOptions, "fetch" | "log">;
  auth: {
    jwtSecret?: string;
    jwksUrl?: string;
    audience: string;
  };
  regKeyKeys?: RegKeyKeyring;
  depositWebhookSecrets: string[];
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
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

function base64urlToBytes(text: string): Uint8Array {
  const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function parseRegKeyKeys(raw: string): RegKeyKeyring {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError("REGKEY_KEYS is not valid JSON");
  }
  const shape = parsed as { active?: unknown; keys?: unknown };
  if (typeof shape.active !== "string" || typeof shape.keys !== "object" || shape.keys === null) {
    throw new ConfigError('REGKEY_KEYS must look like {"active":"<kid>","keys":{"<kid>":"<base64url>"}}');
  }
  const keys: Record<string, Uint8Array> = {};
  for (const [kid, value] of Object.entries(shape.keys as Record<string, unknown>)) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = typeof value === "string" ? base64urlToBytes(value) : undefined;
    } catch {
      bytes = undefined;
    }
    if (!bytes || bytes.length !== 32) throw new ConfigError(`REGKEY_KEYS key "${kid}" must be base64url of 32 bytes`);
    keys[kid] = bytes;
  }
  if (!keys[shape.active]) throw new ConfigError(`REGKEY_KEYS active kid "${shape.active}" has no key`);
  return { active: shape.active, keys };
}

function parseConfig(env: ConfigEnv): Config {
  const missing: string[] = [];
  const need = (name: keyof ConfigEnv): string => {
    const v = present(env[name] as string | undefined);
    if (v === undefined) missing.push(String(name));
    return v ?? "";
  };
  const apiBase = need("LINEPAY_API_BASE").replace(/\/+$/, "");
  const channelId = need("LINEPAY_CHANNEL_ID");
  const channelSecret = need("LINEPAY_CHANNEL_SECRET");
  const jwtSecret = present(env.AUTH_JWT_SECRET);
  const jwksUrl = present(env.AUTH_JWKS_URL);
  if (!jwtSecret && !jwksUrl) missing.push("AUTH_JWT_SECRET or AUTH_JWKS_URL");
  if (missing.length > 0) throw new ConfigError(`missing configuration: ${missing.join(", ")}`);
  if (!/^https?:\/\//.test(apiBase)) throw new ConfigError("LINEPAY_API_BASE must be an http(s) URL");

  const version = present(env.LINEPAY_ONLINE_VERSION) ?? "v3";
  if (version !== "v3" && version !== "v4") throw new ConfigError("LINEPAY_ONLINE_VERSION must be v3 or v4");
  const offlineVersion = present(env.LINEPAY_OFFLINE_VERSION) ?? "v2";
  if (offlineVersion !== "v2" && offlineVersion !== "v4")
    throw new ConfigError("LINEPAY_OFFLINE_VERSION must be v2 or v4");

  const regKeysRaw = present(env.REGKEY_KEYS);
  const webhookRaw = present(env.DEPOSIT_WEBHOOK_SECRET);
  const depositWebhookSecrets = webhookRaw ? webhookRaw.split(/\s+/) : [];
  for (const s of depositWebhookSecrets) {
    if (!s.startsWith("whsec_")) throw new ConfigError("DEPOSIT_WEBHOOK_SECRET entries must start with whsec_");
  }

  return {
    linePay: {
      apiBase,
      channelId,
      channelSecret,
      deviceProfileId: present(env.LINEPAY_DEVICE_PROFILE_ID),
      deviceType: present(env.LINEPAY_DEVICE_TYPE) ?? "POS",
      timeoutMs: positiveInt("LINEPAY_TIMEOUT_MS", env.LINEPAY_TIMEOUT_MS),
      posTimeoutMs: positiveInt("LINEPAY_POS_TIMEOUT_MS", env.LINEPAY_POS_TIMEOUT_MS, 45_000) ?? 45_000,
      onlineVersion: version,
      offlineVersion,
    },
    auth: { jwtSecret, jwksUrl, audience: present(env.AUTH_AUDIENCE) ?? "linepay-gateway" },
    regKeyKeys: regKeysRaw ? parseRegKeyKeys(regKeysRaw) : undefined,
    depositWebhookSecrets,
  };
}
