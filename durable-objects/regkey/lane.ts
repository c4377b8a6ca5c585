/**
 * One object per regKey token (`REGKEY_LANES.getByName(tid)`, `tid` the lane name: the token id
 * behind its merchant's prefix, model/rpc.ts `laneName`): the only writer of that
 * token's vault entry and the lane that runs LINE Pay calls on its regKey one at a time
 * (LINE Pay refuses a second concurrent payment with 1197). It keeps the ciphertext in its
 * own storage as the consistent copy: KV may take about 60 s to show a new entry elsewhere
 * and caches misses, so a payment right after registration is served from here.
 *
 * It also keeps what the order objects' recovery needs from it: when it really sent each
 * payment (a payment may wait in the lane behind another), and a regKey LINE Pay's card rules
 * say must be expired stays `expiring` (unusable, with an alarm) until LINE Pay confirms the
 * expiry, however many tries that takes.
 */
import { DurableObject } from "cloudflare:workers";
import type { GatewayAnswer } from "../../model/answer";
import type { PreapprovedPayBody } from "../../model/commands";
import { readConfig } from "../../model/config";
import { GatewayError, problemAnswer, type ProblemCode } from "../../model/problem";
import { objectName } from "../../model/rpc";
import { merchantIdOfName, ownMerchantId } from "../../model/merchant";
import { isRegKeyExpiringCardError, isRegKeyGone } from "../../linepay/return-codes";
import type { Outcome, PreapprovedPayInfo } from "../../linepay/types";
import { logEvent } from "../log";
import { merchantChannel } from "../merchant/channel";
import { SerialQueue } from "../serial-queue";
import { kidOf, open, seal, tidOf, type SealedRegKey } from "./vault-crypto";
import { vaultKey, type VaultMetadata } from "./vault-layout";

interface LaneEntry {
  jwe: string;
  kid: string;
  createdAt: number;
}

/** A regKey that must be expired at LINE Pay; retried by alarm until LINE Pay confirms. */
interface Expiring {
  since: number;
  returnCode?: string;
  attempts: number;
}

/** `unusable`: no call was made (unknown token, retired key); `outcome`: LINE Pay's answer. */
export type LanePayResult =
  | { kind: "unusable"; code: ProblemCode; detail: string }
  | { kind: "outcome"; outcome: Outcome<PreapprovedPayInfo>; regKeyRemoved: boolean; sentAt: number };

export type LaneCheck = { usable: true } | { usable: false; code: ProblemCode; detail: string };

/** Where a payment stands in the lane, for the order object's recovery. */
export type LaneSend = { status: "queued" } | { status: "sent"; at: number } | { status: "unknown" };

const EXPIRE_RETRY_MS = [5_000, 30_000, 120_000, 600_000];
/** Telling the regKey's order of the expiry is retried this often until it answered. */
const TELL_RETRY_MS = 30_000;
/** A failing wake-up is retried this much later (never given up). */
const WAKE_RETRY_MS = 60_000;

/** The order the regKey came from must hear of its expiry (its `regkey.expired` event): until it has. */
interface Telling {
  orderId: string;
  returnCode?: string;
  /** the order's merchant (the lane's own), absent for the default merchant */
  merchantId?: string;
}

const K = {
  entry: "entry",
  removed: "removed",
  expiring: "expiring",
  telling: "telling",
  sent: (orderId: string) => `sent:${orderId}`,
};

export class RegKeyLane extends DurableObject<Env> {
  readonly #queue = new SerialQueue();
  /** orderIds whose payment waits in this instance's chain and is not sent yet */
  readonly #queued = new Set<string>();

  /** Stores a freshly sealed regKey (the order object's registerRegKey follow-up). Idempotent. */
  async register(tid: string, jwe: string): Promise<void> {
    if (this.ctx.storage.kv.get<boolean>(K.removed)) return;
    const entry: LaneEntry = { jwe, kid: kidOf(jwe) ?? "", createdAt: Date.now() };
    this.ctx.storage.kv.put(K.entry, entry);
    await this.env.REGKEYS.put(vaultKey(tid), jwe, {
      metadata: { kid: entry.kid, createdAt: entry.createdAt } satisfies VaultMetadata,
    });
  }

  /**
   * Whether a payment could run (decrypts, and re-seals under a new kid). No upstream call, and
   * not queued behind a payment in flight: the answer is about the token, not about the lane.
   */
  async check(tid: string): Promise<LaneCheck> {
    try {
      return (await this.#regKey(tid)) === undefined
        ? { usable: false, code: "not_found", detail: "unknown regKey token" }
        : { usable: true };
    } catch (error) {
      if (error instanceof GatewayError) return { usable: false, code: error.code, detail: error.message };
      throw error;
    }
  }

  /** When the payment for `orderId` went out, or that it still waits here. */
  async sent(orderId: string): Promise<LaneSend> {
    if (this.#queued.has(orderId)) return { status: "queued" };
    const at = this.ctx.storage.kv.get<number>(K.sent(orderId));
    return at === undefined ? { status: "unknown" } : { status: "sent", at };
  }

  /** Pays on the regKey, one payment at a time; expires the regKey on LINE Pay's card rules. */
  async pay(tid: string, body: PreapprovedPayBody): Promise<LanePayResult> {
    this.#queued.add(body.orderId);
    return this.#queue.run(async () => {
      let sealed: SealedRegKey | undefined;
      try {
        sealed = await this.#regKey(tid);
      } catch (error) {
        this.#queued.delete(body.orderId);
        if (error instanceof GatewayError)
          return { kind: "unusable", code: error.code, detail: error.message } as const;
        throw error;
      }
      if (sealed === undefined) {
        this.#queued.delete(body.orderId);
        return { kind: "unusable", code: "not_found", detail: "unknown regKey token" } as const;
      }
      const lp = await this.#client(tid);
      // Written before the call leaves (the output gate holds the request until it is durable):
      // the order's recovery measures "may still be running" from here.
      const sentAt = Date.now();
      this.ctx.storage.kv.put(K.sent(body.orderId), sentAt);
      this.#queued.delete(body.orderId);
      const outcome = await lp.payPreapproved(sealed.regKey, {
        productName: body.productName,
        amount: body.amount,
        currency: body.currency,
        orderId: body.orderId,
        ...(body.capture === undefined ? {} : { capture: body.capture }),
      });
      let regKeyRemoved = false;
      if (outcome.kind === "refused" && isRegKeyGone(outcome.returnCode)) {
        await this.#remove(tid, { orderId: sealed.orderId, returnCode: outcome.returnCode });
        regKeyRemoved = true;
      } else if (outcome.kind === "refused" && isRegKeyExpiringCardError(outcome.returnCode)) {
        // LINE Pay's rule: after these card errors the regKey must be expired. From now on it
        // is unusable here; the expiry itself is retried until LINE Pay confirms it.
        this.#markExpiring(outcome.returnCode);
        await this.#tryExpire(tid, sealed);
        regKeyRemoved = true;
      }
      if (regKeyRemoved && outcome.kind === "refused")
        logEvent({ event: "regkey.removed", returnCode: outcome.returnCode });
      return { kind: "outcome", outcome, regKeyRemoved, sentAt } as const;
    });
  }

  /** GET /v1/preapproved/{token}: LINE Pay's check of the regKey. */
  async status(tid: string): Promise<GatewayAnswer> {
    return this.#answer(async () => {
      if (this.ctx.storage.kv.get<Expiring>(K.expiring)) return { status: 200, body: { status: "EXPIRING" } };
      const sealed = await this.#regKey(tid);
      if (sealed === undefined) throw new GatewayError("not_found", "unknown regKey token");
      const outcome = await (await this.#client(tid)).checkRegKey(sealed.regKey);
      if (outcome.kind === "success") return { status: 200, body: { status: "ACTIVE" } };
      if (outcome.kind === "refused" && outcome.returnCode === "1193")
        return { status: 200, body: { status: "EXPIRED" } };
      if (outcome.kind === "refused" && outcome.returnCode === "1190") {
        await this.#remove(tid, { orderId: sealed.orderId, returnCode: "1190" });
        throw new GatewayError("not_found", "LINE Pay no longer knows this regKey");
      }
      throw outcome.kind === "lost"
        ? new GatewayError("upstream_unavailable", "LINE Pay did not answer the regKey check", { retryAfter: 5 })
        : new GatewayError("upstream_error", "LINE Pay refused the regKey check", {
            returnCode: outcome.returnCode,
            returnMessage: outcome.returnMessage,
          });
    });
  }

  /**
   * DELETE /v1/preapproved/{token}: LINE Pay's expire, then the vault entry removed. When the
   * expire's answer is lost, the regKey becomes `expiring` (202) and the expiry is retried by
   * alarm: telling the caller "try again" about an expiry that may have happened is no answer.
   */
  async expire(tid: string): Promise<GatewayAnswer> {
    return this.#answer(async () => {
      const sealed = await this.#regKey(tid, { evenIfExpiring: true });
      if (sealed === undefined) throw new GatewayError("not_found", "unknown regKey token");
      const outcome = await (await this.#client(tid)).expireRegKey(sealed.regKey);
      if (outcome.kind === "success" || (outcome.kind === "refused" && isRegKeyGone(outcome.returnCode))) {
        await this.#remove(tid, { orderId: sealed.orderId, ...this.#cause(outcome) });
        return { status: 200, body: { status: "EXPIRED" } };
      }
      if (outcome.kind === "refused" && outcome.category !== "temporary")
        throw new GatewayError("upstream_error", "LINE Pay refused to expire the regKey", {
          returnCode: outcome.returnCode,
          returnMessage: outcome.returnMessage,
        });
      this.#markExpiring(undefined);
      return {
        status: 202,
        body: { status: "EXPIRING" },
        headers: { "Retry-After": String(EXPIRE_RETRY_MS[0]! / 1000) },
      };
    });
  }

  /**
   * The lane's background duties: an expiry LINE Pay has not confirmed yet, and an expiry the
   * regKey's order has not heard of yet.
   */
  override async alarm(): Promise<void> {
    try {
      await this.#queue.run(async () => {
        const expiring = this.ctx.storage.kv.get<Expiring>(K.expiring);
        const entry = this.#entry();
        if (expiring && entry) {
          const keyring = readConfig(this.env).regKeyKeys;
          if (!keyring) throw new Error("REGKEY_KEYS is not configured");
          // The entry's JWE names its token id in the protected header (sealed for it).
          const tid = tidOf(entry.jwe) ?? "";
          await this.#tryExpire(tid, await open<SealedRegKey>(keyring, tid, entry.jwe));
        } else if (expiring) {
          this.ctx.storage.kv.delete(K.expiring);
        }
        await this.#tell();
      });
    } catch (error) {
      logEvent({ event: "regkey.wake_failed", level: "error", error: error instanceof Error ? error.name : "unknown" });
      if (this.ctx.storage.kv.get(K.expiring) || this.ctx.storage.kv.get(K.telling))
        await this.ctx.storage.setAlarm(Date.now() + WAKE_RETRY_MS);
    }
  }

  async #answer(task: () => Promise<GatewayAnswer>): Promise<GatewayAnswer> {
    try {
      return await this.#queue.run(task);
    } catch (error) {
      if (error instanceof GatewayError) return problemAnswer(error);
      throw error;
    }
  }

  /** Unusable from now on; the alarm (armed in the same commit) retries the expiry. */
  #markExpiring(returnCode: string | undefined): void {
    const existing = this.ctx.storage.kv.get<Expiring>(K.expiring);
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.kv.put(K.expiring, {
        since: existing?.since ?? Date.now(),
        attempts: existing?.attempts ?? 0,
        ...(returnCode ? { returnCode } : existing?.returnCode ? { returnCode: existing.returnCode } : {}),
      } satisfies Expiring);
      void this.ctx.storage.setAlarm(Date.now() + EXPIRE_RETRY_MS[0]!);
    });
  }

  /** One expire call; done on 0000 or 1193 (or 1190: LINE Pay no longer knows it), else later. */
  async #tryExpire(tid: string, sealed: SealedRegKey): Promise<void> {
    const outcome = await (await this.#client(tid)).expireRegKey(sealed.regKey);
    if (outcome.kind === "success" || (outcome.kind === "refused" && isRegKeyGone(outcome.returnCode))) {
      const cardError = this.ctx.storage.kv.get<Expiring>(K.expiring)?.returnCode;
      await this.#remove(tid, {
        orderId: sealed.orderId,
        ...(cardError ? { returnCode: cardError } : this.#cause(outcome)),
      });
      logEvent({ event: "regkey.expired" });
      return;
    }
    const expiring = this.ctx.storage.kv.get<Expiring>(K.expiring) ?? { since: Date.now(), attempts: 0 };
    const attempts = expiring.attempts + 1;
    const delay = EXPIRE_RETRY_MS[Math.min(attempts, EXPIRE_RETRY_MS.length - 1)]!;
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.kv.put(K.expiring, { ...expiring, attempts } satisfies Expiring);
      void this.ctx.storage.setAlarm(Date.now() + delay);
    });
    logEvent({ event: "regkey.expire_retry", level: "error", attempts, outcome: outcome.kind });
  }

  #entry(): LaneEntry | undefined {
    return this.ctx.storage.kv.get<LaneEntry>(K.entry);
  }

  async #loadEntry(tid: string): Promise<LaneEntry | undefined> {
    const own = this.#entry();
    if (own) return own;
    // A removed token stays removed, even while KV still serves a cached copy elsewhere.
    if (this.ctx.storage.kv.get<boolean>(K.removed)) return undefined;
    // Not registered through this object's storage (e.g. written before it existed): read KV.
    const { value, metadata } = await this.env.REGKEYS.getWithMetadata<VaultMetadata>(vaultKey(tid));
    return value
      ? { jwe: value, kid: metadata?.kid ?? kidOf(value) ?? "", createdAt: metadata?.createdAt ?? 0 }
      : undefined;
  }

  /**
   * Decrypts the regKey; re-seals it under the active kid when it was sealed under an older one.
   * A regKey being expired is unusable (undefined) unless the caller is the expiry itself.
   */
  async #regKey(tid: string, { evenIfExpiring = false } = {}): Promise<SealedRegKey | undefined> {
    if (!evenIfExpiring && this.ctx.storage.kv.get<Expiring>(K.expiring)) return undefined;
    const entry = await this.#loadEntry(tid);
    if (!entry) return undefined;
    const keyring = readConfig(this.env).regKeyKeys;
    if (!keyring) throw new GatewayError("invalid_state", "REGKEY_KEYS is not configured");
    const sealed = await open<SealedRegKey>(keyring, tid, entry.jwe);
    if (kidOf(entry.jwe) !== keyring.active) {
      await this.register(tid, await seal(keyring, tid, sealed));
      logEvent({ event: "regkey.rotated", from: entry.kid, to: keyring.active });
    }
    return sealed;
  }

  /** What made LINE Pay's answer an expiry: nothing for a plain 0000, the code otherwise. */
  #cause(outcome: Outcome<unknown>): { returnCode?: string } {
    return outcome.kind === "refused" ? { returnCode: outcome.returnCode } : {};
  }

  /**
   * The lane's own record of the token goes in one commit (entry and expiry duty out,
   * tombstone in, and the duty to tell the regKey's order, with the alarm for it); the KV copy
   * follows, and the tombstone covers any lag or failure there.
   */
  async #remove(tid: string, telling: Omit<Telling, "merchantId">): Promise<void> {
    const owner = ownMerchantId({ merchantId: merchantIdOfName(tid) });
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.kv.delete(K.entry);
      this.ctx.storage.kv.delete(K.expiring);
      this.ctx.storage.kv.put(K.removed, true);
      this.ctx.storage.kv.put(K.telling, { ...telling, ...owner } satisfies Telling);
      void this.ctx.storage.setAlarm(Date.now() + TELL_RETRY_MS);
    });
    await this.env.REGKEYS.delete(vaultKey(tid));
    await this.#tell();
  }

  /** The regKey's order journals the expiry and tells the merchant (`regkey.expired`); retried until it has. */
  async #tell(): Promise<void> {
    const telling = this.ctx.storage.kv.get<Telling>(K.telling);
    if (!telling) return;
    try {
      const order = { scope: "order" as const, id: telling.orderId, merchantId: telling.merchantId };
      await this.env.ORDERS.getByName(objectName(order)).regKeyExpired(telling.returnCode);
    } catch (error) {
      logEvent({ event: "regkey.tell_failed", level: "error", error: error instanceof Error ? error.name : "?" });
      // The duty stays stored; so must its wake-up, also when this ran from the alarm that just fired.
      await this.ctx.storage.setAlarm(Date.now() + TELL_RETRY_MS);
      return;
    }
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.kv.delete(K.telling);
      if (!this.ctx.storage.kv.get(K.expiring)) void this.ctx.storage.deleteAlarm();
    });
  }

  /** The client of the lane's merchant (its name says which), with its channel as it is now. */
  async #client(tid: string) {
    return (await merchantChannel(this.env, merchantIdOfName(tid))).linePay;
  }
}
