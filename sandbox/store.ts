/**
 * The emulator's memory: reservations, payments, regKeys, deposits, My Codes and call counts.
 * One isolate serves the sandbox under Miniflare and `wrangler dev`, so module state is the
 * LINE Pay "database"; `/__sandbox/reset` clears it.
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

export const state = {
  byTransaction: new Map<string, Payment>(),
  byOrder: new Map<string, Payment>(),
  /** orderIds whose v2 pay was refused (check answers FAIL) */
  posFailures: new Set<string>(),
  regKeys: new Map<string, RegKeyRecord>(),
  deposits: new Map<string, DepositRecord>(),
  oneTimeKeys: new Map<string, { expiresAt: number; used: boolean }>(),
  usedOneTimeKeys: new Set<string>(),
  calls: new Map<string, Record<string, number>>(),
  /** orderId → operation → the X-LINE-MerchantDeviceProfileId it came with (v2 calls) */
  devices: new Map<string, Record<string, string>>(),
};

export function resetState(): void {
  state.byTransaction.clear();
  state.byOrder.clear();
  state.posFailures.clear();
  state.regKeys.clear();
  state.deposits.clear();
  state.oneTimeKeys.clear();
  state.usedOneTimeKeys.clear();
  state.calls.clear();
  state.devices.clear();
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

export function countCall(operation: string, keys: (string | undefined)[]): void {
  for (const key of ["*", ...keys.filter((k): k is string => !!k)]) {
    const counts = state.calls.get(key) ?? {};
    counts[operation] = (counts[operation] ?? 0) + 1;
    state.calls.set(key, counts);
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
