/**
 * Online API v3 (or v4: same bodies and signing, path prefix `/v4`). Read timeouts are LINE
 * Pay's documented minima unless `timeoutMs` overrides them all.
 */
import { callLinePay } from "./transport";
import {
  DEFAULT_TIMEOUTS_MS,
  type CaptureInfo,
  type ConfirmInfo,
  type LinePayClientOptions,
  type Outcome,
  type PaymentDetail,
  type PreapprovedPayInfo,
  type RefundInfo,
  type RequestInfo,
} from "./types";

export interface Money {
  amount: number;
  currency: string;
}

const STATUS_CODES = ["0000", "0110", "0121", "0122", "0123"];

export function onlineApi(options: LinePayClientOptions) {
  const prefix = `/${options.onlineVersion}/payments`;
  const timeout = (op: keyof typeof DEFAULT_TIMEOUTS_MS) => options.timeoutMs ?? DEFAULT_TIMEOUTS_MS[op];
  const id = (transactionId: string) => encodeURIComponent(transactionId);

  return {
    request: (body: unknown): Promise<Outcome<RequestInfo>> =>
      callLinePay(options, {
        operation: "request",
        method: "POST",
        path: `${prefix}/request`,
        body,
        auth: "v3",
        timeoutMs: timeout("request"),
      }),

    confirm: (transactionId: string, money: Money): Promise<Outcome<ConfirmInfo>> =>
      callLinePay(options, {
        operation: "confirm",
        method: "POST",
        path: `${prefix}/${id(transactionId)}/confirm`,
        body: { amount: money.amount, currency: money.currency },
        auth: "v3",
        timeoutMs: timeout("confirm"),
      }),

    capture: (transactionId: string, money: Money): Promise<Outcome<CaptureInfo>> =>
      callLinePay(options, {
        operation: "capture",
        method: "POST",
        path: `${prefix}/authorizations/${id(transactionId)}/capture`,
        body: { amount: money.amount, currency: money.currency },
        auth: "v3",
        timeoutMs: timeout("capture"),
      }),

    // LINE Pay's void takes no body: nothing is sent and the empty string is signed.
    void: (transactionId: string): Promise<Outcome<unknown>> =>
      callLinePay(options, {
        operation: "void",
        method: "POST",
        path: `${prefix}/authorizations/${id(transactionId)}/void`,
        auth: "v3",
        timeoutMs: timeout("other"),
      }),

    // An absent refundAmount refunds everything left; `{}` states that explicitly.
    refund: (transactionId: string, body: { refundAmount?: number }): Promise<Outcome<RefundInfo>> =>
      callLinePay(options, {
        operation: "refund",
        method: "POST",
        path: `${prefix}/${id(transactionId)}/refund`,
        body,
        auth: "v3",
        timeoutMs: timeout("other"),
      }),

    details: (query: { transactionIds?: string[]; orderIds?: string[] }): Promise<Outcome<PaymentDetail[]>> => {
      const params = new URLSearchParams();
      for (const t of query.transactionIds ?? []) params.append("transactionId", t);
      for (const o of query.orderIds ?? []) params.append("orderId", o);
      return callLinePay<PaymentDetail[]>(options, {
        operation: "details",
        method: "GET",
        path: prefix,
        query: params.toString(),
        auth: "v3",
        timeoutMs: timeout("other"),
      }).then((o) => (o.kind === "success" && !Array.isArray(o.info) ? { ...o, info: [] } : o));
    },

    checkStatus: (transactionId: string): Promise<Outcome<Record<string, unknown>>> =>
      callLinePay(options, {
        operation: "check",
        method: "GET",
        path: `${prefix}/requests/${id(transactionId)}/check`,
        auth: "v3",
        timeoutMs: timeout("other"),
        successCodes: STATUS_CODES,
      }),

    payPreapproved: (
      regKey: string,
      body: { productName: string; amount: number; currency: string; orderId: string; capture?: boolean },
    ): Promise<Outcome<PreapprovedPayInfo>> =>
      callLinePay(options, {
        operation: "preapproved.pay",
        method: "POST",
        path: `${prefix}/preapprovedPay/${encodeURIComponent(regKey)}/payment`,
        logPath: `${prefix}/preapprovedPay/{regKey}/payment`,
        body,
        auth: "v3",
        timeoutMs: timeout("other"),
      }),

    checkRegKey: (regKey: string): Promise<Outcome<unknown>> =>
      callLinePay(options, {
        operation: "preapproved.check",
        method: "GET",
        path: `${prefix}/preapprovedPay/${encodeURIComponent(regKey)}/check`,
        logPath: `${prefix}/preapprovedPay/{regKey}/check`,
        auth: "v3",
        timeoutMs: timeout("other"),
      }),

    expireRegKey: (regKey: string): Promise<Outcome<unknown>> =>
      callLinePay(options, {
        operation: "preapproved.expire",
        method: "POST",
        path: `${prefix}/preapprovedPay/${encodeURIComponent(regKey)}/expire`,
        logPath: `${prefix}/preapprovedPay/{regKey}/expire`,
        auth: "v3",
        timeoutMs: timeout("other"),
      }),
  };
}
