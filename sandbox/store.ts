/**
 * The emulator's memory. Each channel (a merchant at LINE Pay, channels.ts) has its own ledger:
 * reservations, payments, regKeys, deposits and call counts, so two channels may use the same
 * orderId, as at LINE Pay. My Codes belong to the customer, not to a channel: one is good for
 * one payment at any merchant. One isolate serves the sandbox under Miniflare and `wrangler
 * dev`, so module state is the LINE Pay "database"; `/__sandbox/reset` clears it.
 */

export type PayStatus = "CAPTURE" | "AUTHORIZATION" | "VOIDED_AUTHORIZATION" | "EXPIRED_AUTHORIZATION";
export type ReservationStatus = "WAITING" | "AUTHENTICATED" | "CANCELLED" | "FAILED" | "COMPLETED";

export interface Refund {
  refundTransactionId: string;
  amount: number;
  date: string;
}

export interface Payment {
  transactionId: string;
  orderId: string;
  kind: "online" | "pos" | "preapproved";
  amount: number;
  currency: string;
  /** what was actually charged (differs from `amount` only under a payAmount fault) */
  charged: number;
  capture: boolean;
  payType: "NORMAL" | "PREAPPROVED";
  productName: string;
  createdAt: number;
  reservation?: ReservationStatus;
  approvedAt?: number;
  redirectUrls?: { confirmUrl: string; cancelUrl: string };
  /** set once confirmed / paid */
  payStatus?: PayStatus;
  captured: number;
  refunds: Refund[];
  regKey?: string;
  deviceType?: string;
  deviceProfileId?: string;
  transactionDate?: string;
}

export interface RegKeyRecord {
  regKey: string;
  orderId: string;
  status: "ACTIVE" | "EXPIRED";
  busy: boolean;
}

export interface DepositRecord {
  transactionId: string;
  orderId: string;
  referenceNo: string;
  amount: number;
  fee: number;
  transactionDate: string;
}

/**
 * Of the calls of one operation, how many carried each credential (whether or not the other was
 * there too): v2's X-LINE-ChannelSecret header (any value), and a signature (X-LINE-Authorization)
 * that verifies with the channel's secret. So a test can show that no v4 call sent the secret.
 */
export interface AuthSeen {
  channelSecretHeader: number;
  signature: number;
}

export interface Ledger {
  byTransaction: Map<string, Payment>;
  byOrder: Map<string, Payment>;
  /** orderIds whose v2 pay was refused (check answers FAIL) */
  posFailures: Set<string>;
  regKeys: Map<string, RegKeyRecord>;
  deposits: Map<string, DepositRecord>;
  /** "*" (every call), an orderId or `regKey:<regKey>` → operation → calls that reached it */
  calls: Map<string, Record<string, number>>;
  /** the same keys → operation → how those calls authenticated themselves */
  auth: Map<string, Record<string, AuthSeen>>;
  /** orderId → operation → the X-LINE-MerchantDeviceProfileId it came with (v2 calls) */
  devices: Map<string, Record<string, string>>;
}

export function newLedger(): Ledger {
  return {
    byTransaction: new Map(),
    byOrder: new Map(),
    posFailures: new Set(),
    regKeys: new Map(),
    deposits: new Map(),
    calls: new Map(),
    auth: new Map(),
    devices: new Map(),
  };
}

/** The customers' My Codes: minted by `/__sandbox/one-time-keys`, each good for one payment anywhere. */
export const myCodes = {
  minted: new Map<string, { expiresAt: number; used: boolean }>(),
  used: new Set<string>(),
};

export function resetMyCodes(): void {
  myCodes.minted.clear();
  myCodes.used.clear();
}

let counter = Math.floor(Math.random() * 1e9);

/** A fresh 19-digit id, "2026…": far beyond 2^53, as LINE Pay's are. */
export function newTransactionId(): string {
  counter += 1;
  return `2026${String(counter).padStart(15, "0")}`;
}

export function randomDigits(n: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String(b % 10)).join("");
}

export function newRegKey(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return "RK" + Array.from(crypto.getRandomValues(new Uint8Array(13)), (b) => alphabet[b % alphabet.length]).join("");
}

export function countCall(
  ledger: Ledger,
  operation: string,
  keys: (string | undefined)[],
  carried: { channelSecretHeader: boolean; signature: boolean },
): void {
  for (const key of ["*", ...keys.filter((k): k is string => !!k)]) {
    const counts = ledger.calls.get(key) ?? {};
    counts[operation] = (counts[operation] ?? 0) + 1;
    ledger.calls.set(key, counts);
    const auth = ledger.auth.get(key) ?? {};
    const seen = (auth[operation] ??= { channelSecretHeader: 0, signature: 0 });
    if (carried.channelSecretHeader) seen.channelSecretHeader += 1;
    if (carried.signature) seen.signature += 1;
    ledger.auth.set(key, auth);
  }
}

export function refunded(p: Payment): number {
  return round2(p.refunds.reduce((s, r) => s + r.amount, 0));
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function payInfo(p: Payment): { method: string; amount: number }[] {
  return [{ method: p.kind === "pos" ? "BALANCE" : "CREDIT_CARD", amount: p.charged }];
}

export function detailOf(p: Payment, paymentProvider?: string): Record<string, unknown> {
  const d: Record<string, unknown> = {
    transactionId: p.transactionId,
    transactionDate: p.transactionDate,
    transactionType: "PAYMENT",
    orderId: p.orderId,
    productName: p.productName,
    merchantName: "Sandbox Merchant",
    currency: p.currency,
    payStatus: p.payStatus,
    payInfo: payInfo(p),
  };
  if (p.refunds.length) {
    d.refundList = p.refunds.map((r) => ({
      refundTransactionId: r.refundTransactionId,
      transactionType: "PAYMENT_REFUND",
      refundAmount: -r.amount,
      refundTransactionDate: r.date,
    }));
  }
  if (paymentProvider) d.paymentProvider = paymentProvider;
  return d;
}
