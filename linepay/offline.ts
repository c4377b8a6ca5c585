/**
 * Offline API v2 (POS): static header auth, endpoints keyed by the merchant's orderId. The pay
 * has its own read timeout (LINE Pay asks for at least 40 s).
 */
import type { Money } from "./online";
import { callLinePay } from "./transport";
import {
  DEFAULT_TIMEOUTS_MS,
  type LinePayClientOptions,
  type Outcome,
  type PaymentDetail,
  type PosAuthorization,
  type PosCheckInfo,
  type PosPayInfo,
} from "./types";

export interface PosPayRequest extends Money {
  productName: string;
  orderId: string;
  oneTimeKey: string;
  capture?: boolean;
  extras?: Record<string, unknown>;
}

export function offlineApi(options: LinePayClientOptions) {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUTS_MS.other;
  const order = (orderId: string) => `/v2/payments/orders/${encodeURIComponent(orderId)}`;
  const device = (deviceProfileId?: string) => ({
    deviceType: options.deviceType,
    deviceProfileId: deviceProfileId ?? options.deviceProfileId,
  });

  return {
    posPay: (body: PosPayRequest, extra: { deviceProfileId?: string } = {}): Promise<Outcome<PosPayInfo>> =>
      callLinePay(options, {
        operation: "pos.pay",
        method: "POST",
        path: "/v2/payments/oneTimeKeys/pay",
        body,
        auth: "v2",
        timeoutMs: options.posTimeoutMs,
        ...device(extra.deviceProfileId),
      }),

    posCheck: (orderId: string): Promise<Outcome<PosCheckInfo>> =>
      callLinePay(options, {
        operation: "pos.check",
        method: "GET",
        path: `${order(orderId)}/check`,
        auth: "v2",
        timeoutMs: timeout,
        ...device(),
      }),

    posVoid: (orderId: string): Promise<Outcome<unknown>> =>
      callLinePay(options, {
        operation: "pos.void",
        method: "POST",
        path: `${order(orderId)}/void`,
        body: {},
        auth: "v2",
        timeoutMs: timeout,
        ...device(),
      }),

    posCapture: (orderId: string, money: Money): Promise<Outcome<{ payInfo?: PosPayInfo["payInfo"] }>> =>
      callLinePay(options, {
        operation: "pos.capture",
        method: "POST",
        path: `${order(orderId)}/capture`,
        body: { amount: money.amount, currency: money.currency },
        auth: "v2",
        timeoutMs: timeout,
        ...device(),
      }),

    posRefund: (orderId: string, body: { refundAmount?: number }): Promise<Outcome<{ refundTransactionId?: string }>> =>
      callLinePay(options, {
        operation: "pos.refund",
        method: "POST",
        path: `${order(orderId)}/refund`,
        body,
        auth: "v2",
        timeoutMs: timeout,
        ...device(),
      }),

    posAuthorizations: (orderId: string): Promise<Outcome<PosAuthorization[]>> =>
      callLinePay<PosAuthorization[]>(options, {
        operation: "pos.authorizations",
        method: "GET",
        path: "/v2/payments/authorizations",
        query: `orderId=${encodeURIComponent(orderId)}`,
        auth: "v2",
        timeoutMs: timeout,
        ...device(),
      }).then((o) => (o.kind === "success" && !Array.isArray(o.info) ? { ...o, info: [] } : o)),

    posDetails: (orderId: string): Promise<Outcome<PaymentDetail[]>> =>
      callLinePay<PaymentDetail[]>(options, {
        operation: "pos.details",
        method: "GET",
        path: "/v2/payments",
        query: `orderId=${encodeURIComponent(orderId)}`,
        auth: "v2",
        timeoutMs: timeout,
        ...device(),
      }).then((o) => (o.kind === "success" && !Array.isArray(o.info) ? { ...o, info: [] } : o)),
  };
}
