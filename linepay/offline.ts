/**
 * The Offline API (POS), v2 or v4, behind one set of operations: pay with the customer's My
 * Code, then everything keyed by the merchant's orderId (URL-encoded in paths). The versions
 * differ only in their dialect: v2 sends the channel secret in a header and the pay body as
 * it is; v4 (`/v4/payments`) signs like v3 over the exact bytes sent and reshapes the pay body
 * into packages (offline-v4.ts). docs/linepay-offline-v4.md gives v4's sources. The pay has its
 * own read timeout (LINE Pay asks for at least 40 s); the other calls LINE Pay's 20 s.
 */
import { posPayBodyV4 } from "./offline-v4";
import { callLinePay, type CallSpec } from "./transport";
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

interface Dialect {
  prefix: string;
  auth: CallSpec["auth"];
  payBody(request: PosPayRequest): unknown;
  /** v2 sends `{}`; v4 documents no void body, so none is sent and "" is signed (as online void) */
  voidBody: unknown;
}

const DIALECTS: Record<"v2" | "v4", Dialect> = {
  v2: { prefix: "/v2/payments", auth: "v2", payBody: (request) => request, voidBody: {} },
  v4: { prefix: "/v4/payments", auth: "v3", payBody: posPayBodyV4, voidBody: undefined },
};

const asArray = <T>(o: Outcome<T[]>): Outcome<T[]> =>
  o.kind === "success" && !Array.isArray(o.info) ? { ...o, info: [] } : o;

export function offlineApi(options: LinePayClientOptions) {
  const dialect = DIALECTS[options.offlineVersion ?? "v2"];
  const timeoutMs = readTimeoutMs(options, "other");
  const order = (orderId: string, action: string) =>
    `${dialect.prefix}/orders/${encodeURIComponent(orderId)}/${action}`;
  // The request's terminal wins over the configured one; no header at all when neither is set.
  // Every call after the pay carries the terminal the order was paid at.
  const common = (deviceProfileId?: string) => ({
    auth: dialect.auth,
    timeoutMs,
    device: { deviceType: options.deviceType, deviceProfileId: deviceProfileId ?? options.deviceProfileId },
  });

  return {
    posPay: (body: PosPayRequest, extra: { deviceProfileId?: string } = {}): Promise<Outcome<PosPayInfo>> =>
      callLinePay(options, {
        operation: "pos.pay",
        method: "POST",
        path: `${dialect.prefix}/oneTimeKeys/pay`,
        body: dialect.payBody(body),
        ...common(extra.deviceProfileId),
        timeoutMs: readTimeoutMs(options, "posPay"),
      }),

    /** info.status COMPLETE / FAIL / REFUND (v4 also AUTH_READY, CANCEL); settles a lost pay answer. */
    posCheck: (orderId: string, deviceProfileId?: string): Promise<Outcome<PosCheckInfo>> =>
      callLinePay(options, {
        operation: "pos.check",
        method: "GET",
        path: order(orderId, "check"),
        ...common(deviceProfileId),
      }),

    posVoid: (orderId: string, deviceProfileId?: string): Promise<Outcome<unknown>> =>
      callLinePay(options, {
        operation: "pos.void",
        method: "POST",
        path: order(orderId, "void"),
        body: dialect.voidBody,
        ...common(deviceProfileId),
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
        ...common(deviceProfileId),
      }),

    // As online: no refundAmount refunds what remains, sent (and signed) as "{}".
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
        ...common(deviceProfileId),
      }),

    posAuthorizations: (orderId: string, deviceProfileId?: string): Promise<Outcome<PosAuthorization[]>> =>
      callLinePay<PosAuthorization[]>(options, {
        operation: "pos.authorizations",
        method: "GET",
        path: `${dialect.prefix}/authorizations`,
        query: new URLSearchParams({ orderId }).toString(),
        ...common(deviceProfileId),
      }).then(asArray),

    posDetails: (orderId: string, deviceProfileId?: string): Promise<Outcome<PaymentDetail[]>> =>
      callLinePay<PaymentDetail[]>(options, {
        operation: "pos.details",
        method: "GET",
        path: dialect.prefix,
        query: new URLSearchParams({ orderId }).toString(),
        ...common(deviceProfileId),
      }).then(asArray),
  };
}
