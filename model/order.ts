/**
 * The order as callers see it (CONTRACT.md "Orders"), shared by the HTTP edge and the
 * Durable Objects. Ids are strings of digits: LINE Pay's 19-digit numbers never pass
 * through a JS number.
 */
import type { Currency, PayInfoItem } from "./money";

export const ORDER_STATES = [
  "RESERVED",
  "AUTHORIZED",
  "CAPTURED",
  "VOIDED",
  "REFUNDED",
  "PARTIALLY_REFUNDED",
  "FAILED",
  "UNKNOWN",
  "EXPIRED",
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const DEPOSIT_STATES = ["COMPLETED", "FAILED", "UNKNOWN"] as const;
export type DepositState = (typeof DEPOSIT_STATES)[number];

export type OrderKind = "online" | "pos" | "preapproved";

/** One line of the audit trail shown by GET. */
export interface OrderEvent {
  at: string;
  operation: string;
  outcome: string;
  returnCode?: string;
  detail?: string;
}

export interface OrderView {
  orderId: string;
  kind: OrderKind;
  state: OrderState;
  amount: number;
  currency: Currency;
  transactionId?: string;
  payInfo?: PayInfoItem[];
  refundedAmount: number;
  paymentUrl?: { web: string; app: string };
  regKeyToken?: string;
  authorizationExpireDate?: string;
  /** Online API v4 only: the provider that processed the payment (TSP or EPI) */
  paymentProvider?: string;
  events?: OrderEvent[];
}

export interface DepositView {
  depositId: string;
  state: DepositState;
  transactionId?: string;
  amount: number;
  currency: "JPY";
  fee: number | null;
  linePayNumber: string;
  events?: OrderEvent[];
}
