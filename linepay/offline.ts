/**
 * Offline API v2 (POS): static header auth, endpoints keyed by the merchant's orderId (URL-
 * encoded in paths). The pay has its own read timeout (LINE Pay asks for at least 40 s); the
 * other calls use `timeoutMs` when set, else LINE Pay's 20 s.
 */
import { callLinePay } from "./transport";
import {
  readTimeoutMs,
  type LinePayClientOptions,
  type Money,
  type Outcome,
  type PaymentDetail,
  type PosAuthorization,
  type PosCheckInfo,
  type PosPayInfo,
} from "./types";

export interface PosPayRequest extends Money {
  productName: string;
  orderId: string;
  /** the customer's My Code: 12 (TH/global), 18 (TW) or 19 (JP) digits, valid 5 minutes */
  oneTimeKey: string;
  capture?: boolean;
  extras?: Record<string, unknown>;
}

const asArray = <T>(o: Outcome<T[]>): Outcome<T[]> =>
  o.kind === "success" && !Array.isArray(o.info) ? { ...o, info: [] } : o;

export function offlineApi(options: LinePayClientOptions) {
  const timeoutMs = readTimeoutMs(options, "other");
  const order = (orderId: string, action: string) => `/v2/payments/orders/${encodeURIComponent(orderId)}/${action}`;
  // The request's terminal wins over the configured one; no header at all when neither is set.
  const device = (deviceProfileId?: string) => ({
    deviceType: options.deviceType,
    deviceProfileId: deviceProfileId ?? options.deviceProfileId,
  });
  // Every call after the pay carries the terminal the order was paid at.
  const v2 = (deviceProfileId?: string) => ({ auth: "v2" as const, timeoutMs, device: device(deviceProfileId) });

  return {
    posPay: (body: PosPayRequest, extra: { deviceProfileId?: string } = {}): Promise<Outcome<PosPayInfo>> =>
      callLinePay(options, {
        operation: "pos.pay",
        method: "POST",
        path: "/v2/payments/oneTimeKeys/pay",
        body,
        ...v2(extra.deviceProfileId),
        timeoutMs: readTimeoutMs(options, "posPay"),
      }),

    /** info.status COMPLETE / FAIL / REFUND; the way to settle a lost pay answer. */
    posCheck: (orderId: string, deviceProfileId?: string): Promise<Outcome<PosCheckInfo>> =>
      callLinePay(options, {
        operation: "pos.check",
        method: "GET",
        path: order(orderId, "check"),
        ...v2(deviceProfileId),
      }),

    posVoid: (orderId: string, deviceProfileId?: string): Promise<Outcome<unknown>> =>
      callLinePay(options, {
        operation: "pos.void",
        method: "POST",
        path: order(orderId, "void"),
        body: {},
        ...v2(deviceProfileId),
      }),

    posCapture: (
      orderId: string,
      money: Money,
      deviceProfileId?: string,
    ): Promise<Outcome<{ payInfo?: PosPayInfo["payInfo"] }>> =>
      callLinePay(options, {
        operation: "pos.capture",
        method: "POST",
        path: order(orderId, "capture"),
        body: { amount: money.amount, currency: money.currency },
        ...v2(deviceProfileId),
      }),

    // As online: no refundAmount refunds what remains, sent as "{}".
    posRefund: (
      orderId: string,
      body: { refundAmount?: number } = {},
      deviceProfileId?: string,
    ): Promise<Outcome<{ refundTransactionId?: string }>> =>
      callLinePay(options, {
        operation: "pos.refund",
        method: "POST",
        path: order(orderId, "refund"),
        body: body.refundAmount === undefined ? {} : { refundAmount: body.refundAmount },
        ...v2(deviceProfileId),
      }),

    posAuthorizations: (orderId: string, deviceProfileId?: string): Promise<Outcome<PosAuthorization[]>> =>
      callLinePay<PosAuthorization[]>(options, {
        operation: "pos.authorizations",
        method: "GET",
        path: "/v2/payments/authorizations",
        query: new URLSearchParams({ orderId }).toString(),
        ...v2(deviceProfileId),
      }).then(asArray),

    posDetails: (orderId: string, deviceProfileId?: string): Promise<Outcome<PaymentDetail[]>> =>
      callLinePay<PaymentDetail[]>(options, {
        operation: "pos.details",
        method: "GET",
        path: "/v2/payments",
        query: new URLSearchParams({ orderId }).toString(),
        ...v2(deviceProfileId),
      }).then(asArray),
  };
}
