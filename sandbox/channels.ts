/**
 * The channels the sandbox accepts, each with its own secret and its own ledger (store.ts), as
 * LINE Pay keeps one per merchant channel. The first is LINEPAY_CHANNEL_ID /
 * LINEPAY_CHANNEL_SECRET; LINEPAY_EXTRA_CHANNELS (a JSON list of `{channelId, channelSecret}`)
 * and `POST /__sandbox/channels` add more. A call belongs to the channel its X-LINE-ChannelId
 * names: an unknown one is refused with 1106, a wrong secret for a known one with 1104.
 */
import type { Channel } from "./auth";
import { newLedger, type Ledger } from "./store";

export interface SandboxEnv {
  LINEPAY_CHANNEL_ID: string;
  LINEPAY_CHANNEL_SECRET: string;
  /** `[{"channelId":"…","channelSecret":"…"}, …]` */
  LINEPAY_EXTRA_CHANNELS?: string;
}

export interface Registered {
  channel: Channel;
  ledger: Ledger;
  /** configured by the environment (kept by `/__sandbox/reset`), or added by the control */
  configured: boolean;
}

const channels = new Map<string, Registered>();
let firstId: string | undefined;
/**
 * The settings already applied: each request does not parse them again, and a secret the control
 * rotated is not put back by the next request (the runtime may hand every request a new env).
 */
let applied: string | undefined;

export class ChannelConfigError extends Error {}

/** Registers the environment's channels (once per env object); throws ChannelConfigError on a bad list. */
export function configureChannels(env: SandboxEnv): void {
  const settings = JSON.stringify([env.LINEPAY_CHANNEL_ID, env.LINEPAY_CHANNEL_SECRET, env.LINEPAY_EXTRA_CHANNELS]);
  if (applied === settings) return;
  const list: Channel[] = [{ id: env.LINEPAY_CHANNEL_ID, secret: env.LINEPAY_CHANNEL_SECRET }];
  if (env.LINEPAY_EXTRA_CHANNELS?.trim()) {
    let extra: unknown;
    try {
      extra = JSON.parse(env.LINEPAY_EXTRA_CHANNELS);
    } catch {
      throw new ChannelConfigError("LINEPAY_EXTRA_CHANNELS is not valid JSON");
    }
    if (!Array.isArray(extra) || !extra.every(isChannelBody)) {
      throw new ChannelConfigError('LINEPAY_EXTRA_CHANNELS must be [{"channelId":"…","channelSecret":"…"}, …]');
    }
    list.push(...extra.map((c) => ({ id: c.channelId, secret: c.channelSecret })));
  }
  for (const channel of list) {
    const known = channels.get(channel.id);
    if (known) {
      known.channel = channel;
      known.configured = true;
    } else channels.set(channel.id, { channel, ledger: newLedger(), configured: true });
  }
  firstId = env.LINEPAY_CHANNEL_ID;
  applied = settings;
}

export function isChannelBody(value: unknown): value is { channelId: string; channelSecret: string } {
  const c = value as { channelId?: unknown; channelSecret?: unknown } | null;
  return (
    typeof c?.channelId === "string" &&
    /^\d{1,20}$/.test(c.channelId) &&
    typeof c.channelSecret === "string" &&
    c.channelSecret.length > 0
  );
}

export const channelById = (id: string | null): Registered | undefined => (id === null ? undefined : channels.get(id));

/** The first channel (LINEPAY_CHANNEL_ID): what every control without `channelId` is about. */
export function firstChannel(): Registered {
  const first = firstId === undefined ? undefined : channels.get(firstId);
  if (!first) throw new ChannelConfigError("the sandbox has no channel yet");
  return first;
}

/**
 * Adds a channel, or gives a known one a new secret (a rotation at LINE Pay's merchant center:
 * the old secret is refused from the next call). Its ledger is kept.
 */
export function addChannel(channel: Channel): { created: boolean } {
  const known = channels.get(channel.id);
  if (known) {
    known.channel = channel;
    return { created: false };
  }
  channels.set(channel.id, { channel, ledger: newLedger(), configured: false });
  return { created: true };
}

export const allChannels = (): Registered[] => [...channels.values()];

/** `/__sandbox/reset`: every ledger emptied, the channels the control added forgotten. */
export function resetChannels(): void {
  for (const [id, registered] of channels) {
    if (registered.configured) registered.ledger = newLedger();
    else channels.delete(id);
  }
}
