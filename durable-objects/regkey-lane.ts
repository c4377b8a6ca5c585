/**
 * One object per regKey token id (`REGKEY_LANES.getByName(tid)`): the only writer of that
 * token's vault entry and the lane that runs LINE Pay calls on its regKey one at a time
 * (LINE Pay refuses a second concurrent payment with 1197). It keeps the ciphertext in its
 * own storage as the consistent copy: KV may take about 60 s to show a new entry elsewhere
 * and caches misses, so a payment right after registration is served from here.
 */
import { DurableObject } from "cloudflare:workers";
import type { GatewayAnswer } from "../model/answer";
import type { PreapprovedPayBody } from "../model/commands";
import { readConfig } from "../model/config";
import { GatewayError, problemAnswer, type ProblemCode } from "../model/problem";
import { createLinePayClient } from "../linepay/client";
import { isRegKeyExpiringCardError, isRegKeyGone } from "../linepay/return-codes";
import type { Outcome, PreapprovedPayInfo } from "../linepay/types";
import { logEvent } from "./log";
import { kidOf, open, seal, type SealedRegKey } from "./regkey/vault-crypto";
import { vaultKey, type VaultMetadata } from "./regkey/vault-layout";

interface LaneEntry {
  jwe: string;
  kid: string;
  createdAt: number;
}

/** `unusable`: no call was made (unknown token, retired key); `outcome`: LINE Pay's answer. */
export type LanePayResult =
  | { kind: "unusable"; code: ProblemCode; detail: string }
  | { kind: "outcome"; outcome: Outcome<PreapprovedPayInfo>; regKeyRemoved: boolean };

export type LaneCheck = { usable: true } | { usable: false; code: ProblemCode; detail: string };

export class RegKeyLane extends DurableObject<Env> {
  #chain: Promise<unknown> = Promise.resolve();

  /** Stores a freshly sealed regKey (called by the order object on a PREAPPROVED confirm). */
  async register(tid: string, jwe: string): Promise<void> {
    const entry: LaneEntry = { jwe, kid: kidOf(jwe) ?? "", createdAt: Date.now() };
    await this.ctx.storage.put({ entry, removed: false });
    await this.env.REGKEYS.put(vaultKey(tid), jwe, {
      metadata: { kid: entry.kid, createdAt: entry.createdAt } satisfies VaultMetadata,
    });
  }

  /** Whether a payment could run now (decrypts, and re-seals under a new kid). No upstream call. */
  async check(tid: string): Promise<LaneCheck> {
    try {
      return (await this.#serialize(() => this.#regKey(tid))) === undefined
        ? { usable: false, code: "not_found", detail: "unknown regKey token" }
        : { usable: true };
    } catch (error) {
      if (error instanceof GatewayError) return { usable: false, code: error.code, detail: error.message };
      throw error;
    }
  }

  /** Pays on the regKey, one payment at a time; expires the regKey on LINE Pay's card rules. */
  async pay(tid: string, body: PreapprovedPayBody): Promise<LanePayResult> {
    return this.#serialize(async () => {
      let regKey: string | undefined;
      try {
        regKey = await this.#regKey(tid);
      } catch (error) {
        if (error instanceof GatewayError)
          return { kind: "unusable", code: error.code, detail: error.message } as const;
        throw error;
      }
      if (regKey === undefined) return { kind: "unusable", code: "not_found", detail: "unknown regKey token" } as const;
      const lp = this.#client();
      const outcome = await lp.payPreapproved(regKey, {
        productName: body.productName,
        amount: body.amount,
        currency: body.currency,
        orderId: body.orderId,
        ...(body.capture === undefined ? {} : { capture: body.capture }),
      });
      let regKeyRemoved = false;
      if (
        outcome.kind === "refused" &&
        (isRegKeyExpiringCardError(outcome.returnCode) || isRegKeyGone(outcome.returnCode))
      ) {
        // LINE Pay's rule: after these card errors the regKey must be expired; 1190/1193 mean it is gone.
        if (isRegKeyExpiringCardError(outcome.returnCode)) await lp.expireRegKey(regKey);
        await this.#forget(tid);
        regKeyRemoved = true;
        logEvent({ event: "regkey.removed", returnCode: outcome.returnCode });
      }
      return { kind: "outcome", outcome, regKeyRemoved } as const;
    });
  }

  /** GET /v1/preapproved/{token}: LINE Pay's check of the regKey. */
  async status(tid: string): Promise<GatewayAnswer> {
    return this.#answer(async () => {
      const regKey = await this.#regKey(tid);
      if (regKey === undefined) throw new GatewayError("not_found", "unknown regKey token");
      const outcome = await this.#client().checkRegKey(regKey);
      if (outcome.kind === "success") return { status: 200, body: { status: "ACTIVE" } };
      if (outcome.kind === "refused" && outcome.returnCode === "1193")
        return { status: 200, body: { status: "EXPIRED" } };
      if (outcome.kind === "refused" && outcome.returnCode === "1190") {
        await this.#forget(tid);
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

  /** DELETE /v1/preapproved/{token}: LINE Pay's expire, then the vault entry removed. */
  async expire(tid: string): Promise<GatewayAnswer> {
    return this.#answer(async () => {
      const regKey = await this.#regKey(tid);
      if (regKey === undefined) throw new GatewayError("not_found", "unknown regKey token");
      const outcome = await this.#client().expireRegKey(regKey);
      const gone = outcome.kind === "success" || (outcome.kind === "refused" && isRegKeyGone(outcome.returnCode));
      if (!gone) {
        throw outcome.kind === "refused"
          ? new GatewayError("upstream_error", "LINE Pay refused to expire the regKey", {
              returnCode: outcome.returnCode,
              returnMessage: outcome.returnMessage,
            })
          : new GatewayError("upstream_unavailable", "LINE Pay did not answer the expire; try again", {
              retryAfter: 5,
            });
      }
      await this.#forget(tid);
      return { status: 200, body: { status: "EXPIRED" } };
    });
  }

  #serialize<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(task, task);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #answer(task: () => Promise<GatewayAnswer>): Promise<GatewayAnswer> {
    try {
      return await this.#serialize(task);
    } catch (error) {
      if (error instanceof GatewayError) return problemAnswer(error);
      throw error;
    }
  }

  async #entry(tid: string): Promise<LaneEntry | undefined> {
    const own = await this.ctx.storage.get<LaneEntry>("entry");
    if (own) return own;
    // A removed token stays removed, even while KV still serves a cached copy elsewhere.
    if (await this.ctx.storage.get<boolean>("removed")) return undefined;
    // Not registered through this object's storage (e.g. written before it existed): read KV.
    const { value, metadata } = await this.env.REGKEYS.getWithMetadata<VaultMetadata>(vaultKey(tid));
    return value
      ? { jwe: value, kid: metadata?.kid ?? kidOf(value) ?? "", createdAt: metadata?.createdAt ?? 0 }
      : undefined;
  }

  /** Decrypts the regKey; re-seals it under the active kid when it was sealed under an older one. */
  async #regKey(tid: string): Promise<string | undefined> {
    const entry = await this.#entry(tid);
    if (!entry) return undefined;
    const keyring = readConfig(this.env).regKeyKeys;
    if (!keyring) throw new GatewayError("invalid_state", "REGKEY_KEYS is not configured");
    const sealed = await open<SealedRegKey>(keyring, tid, entry.jwe);
    if (kidOf(entry.jwe) !== keyring.active) {
      await this.register(tid, await seal(keyring, tid, sealed));
      logEvent({ event: "regkey.rotated", from: entry.kid, to: keyring.active });
    }
    return sealed.regKey;
  }

  async #forget(tid: string): Promise<void> {
    await this.ctx.storage.delete("entry");
    await this.ctx.storage.put("removed", true);
    await this.env.REGKEYS.delete(vaultKey(tid));
  }

  #client() {
    return createLinePayClient({ ...readConfig(this.env).linePay, log: logEvent });
  }
}
