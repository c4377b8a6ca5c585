/**
 * What the LINE Pay client returns. Every call ends in exactly one `Outcome`:
 * - `success`: LINE Pay answered with a success code for this operation (0000, or a status
 *   code such as 0110 for a check); `info` is parsed with ids as strings.
 * - `refused`: LINE Pay answered definitively with a returnCode; `category` says why.
 * - `lost`: we cannot know whether LINE Pay processed the call (read timeout, connection
 *   reset, HTTP 5xx, a body that is not LINE Pay's JSON envelope). Never a refusal.
 */
import type { Money, PayInfoItem } from "../model/money";

export type { Money, PayInfoItem };

export type RefusalCategory =
  /** the customer, their card or account: 402 to the caller */
  | "declined"
  /** 1172 / 1197: something with this orderId or regKey already exists or runs */
  | "duplicate"
  /** 1145, 1198, 1199, 190X, 9000: whether LINE Pay processed the call is not certain */
  | "temporary"
  /** everything else: the merchant's request or state */
  | "refused";

export type LostReason = "timeout" | "network" | "http" | "malformed";

export type Outcome<T> =
  | { kind: "success"; returnCode: string; returnMessage: string; info: T }
  | { kind: "refused"; category: RefusalCategory; returnCode: string; returnMessage: string }
  | { kind: "lost"; reason: LostReason; httpStatus?: number; detail: string };

export interface RequestInfo {
  transactionId: string;
  paymentAccessToken?: string;
  paymentUrl: { web: string; app: string };
}

export interface ConfirmInfo {
  orderId: string;
  transactionId: string;
  payInfo: PayInfoItem[];
  authorizationExpireDate?: string;
  regKey?: string;
  paymentProvider?: string;
}

export interface CaptureInfo {
  orderId: string;
  transactionId: string;
  payInfo: PayInfoItem[];
}

export interface RefundInfo {
  refundTransactionId: string;
  refundTransactionDate: string;
}

/** A payment's status in LINE Pay's details (and v2 authorizations); LINE Pay may add others. */
export type PayStatus = "CAPTURE" | "AUTHORIZATION" | "VOIDED_AUTHORIZATION" | "EXPIRED_AUTHORIZATION" | (string & {});

export interface PaymentDetail {
  transactionId: string;
  orderId: string;
  transactionType?: string;
  payStatus?: PayStatus;
  payInfo?: PayInfoItem[];
  refundList?: { refundTransactionId: string; refundAmount: number; refundTransactionDate?: string }[];
  [extra: string]: unknown;
}

export interface PreapprovedPayInfo {
  transactionId: string;
  transactionDate?: string;
  authorizationExpireDate?: string;
  payInfo?: PayInfoItem[];
}

/** `oneTimeKeys/pay` info (v2 and v4) */
export interface PosPayInfo {
  transactionId: string;
  orderId: string;
  transactionDate?: string;
  payInfo: PayInfoItem[];
  authorizationExpireDate?: string;
  /** v4 only: "TSP" or "EPI" (Taiwan), who settles the payment */
  paymentProvider?: string;
}

/**
 * `orders/{orderId}/check` info. v2 answers only the status; v4 adds the payment's ids and
 * payInfo, and documents AUTH_READY (still being processed) and CANCEL beside v2's three.
 */
export interface PosCheckInfo {
  status: "COMPLETE" | "FAIL" | "REFUND" | "AUTH_READY" | "CANCEL" | string;
  transactionId?: string;
  orderId?: string;
  payInfo?: PayInfoItem[];
  paymentProvider?: string;
}

export interface PosAuthorization {
  transactionId: string;
  orderId: string;
  payStatus: PayStatus;
  payInfo?: PayInfoItem[];
  [extra: string]: unknown;
}

export interface DepositInfo {
  transactionId: string;
  transactionDate?: string;
  fee?: number;
}

/** `requests/{transactionId}/check`: the answer is the returnCode itself; info is usually absent. */
export type CheckStatusInfo = Record<string, unknown>;

/** Operations whose answers mean success with another code than 0000. */
export const STATUS_CHECK_CODES = ["0000", "0110", "0121", "0122", "0123"] as const;

/** Read-timeout minima from LINE Pay's documentation (LINEPAY.md), in ms. */
export const DEFAULT_TIMEOUTS_MS = {
  request: 10_000,
  confirm: 40_000,
  capture: 60_000,
  other: 20_000,
} as const;

export type TimedCall = keyof typeof DEFAULT_TIMEOUTS_MS | "posPay";

/**
 * The read timeout of a call: `posTimeoutMs` for the POS pay (LINE Pay asks for at least 40 s),
 * `timeoutMs` for every other call when set, else LINE Pay's documented minimum. One place, so
 * the client's timer and the gateway's "may still be running" window cannot disagree.
 */
export function readTimeoutMs(options: Pick<LinePayClientOptions, "timeoutMs" | "posTimeoutMs">, call: TimedCall) {
  if (call === "posPay") return options.posTimeoutMs;
  return options.timeoutMs ?? DEFAULT_TIMEOUTS_MS[call];
}

export interface LinePayClientOptions {
  apiBase: string;
  channelId: string;
  channelSecret: string;
  deviceProfileId?: string;
  deviceType: string;
  /** when set, every online and deposit read timeout */
  timeoutMs?: number;
  posTimeoutMs: number;
  onlineVersion: "v3" | "v4";
  /** which Offline (POS) API the pos* operations speak; v2 when absent */
  offlineVersion?: "v2" | "v4";
  /** injected for tests of the client itself; defaults to the global fetch */
  fetch?: typeof fetch;
  /** structured log sink; the client never passes it a secret, regKey or raw body */
  log?: (event: Record<string, unknown>) => void;
  /** LINE Pay refused the channel's credentials (1104, 1106): whoever cached them reads them again */
  onCredentialsRefused?: () => void;
}
