/**
 * Offline API v4 (POS): the v2 operation set under `/v4/payments`, signed like v3 (HMAC over
 * the exact bytes sent, never the channel secret in a header) and with the pay body reshaped
 * into `packages[]` and `options`. The answers keep v2's result types, so a flow calls either
 * version through one interface. docs/linepay-offline-v4.md gives the source of every path,
 * body and timeout here, and what stays unsure.
 */
import type { offlineApi, PosPayRequest } from "./offline";
import { callLinePay } from "./transport";
import {
  DEFAULT_TIMEOUTS_MS,
  type LinePayClientOptions,
  type Money,
  type Outcome,
  type PaymentDetail,
  type PosAuthorization,
  type PosCheckInfo,
  type PosPayInfo,
} from "./types";

export type OfflineApi = ReturnType<typeof offlineApi>;

const PREFIX = "/v4/payments";

/** The package id the pay body carries: one package per POS sale, so a fixed id suffices. */
export const POS_PACKAGE_ID = "pos";

/**
 * The gateway's POS body as v4's pay body, in one place (docs/linepay-offline-v4.md, "The POS
 * body on v4"): one package with one product named after `productName` at the full amount;
 * `capture` as `options.payment.capture`; `extras` as `options.extra`. Fields the caller did
 * not give are left out, so LINE Pay's defaults apply (capture true). The package carries no
 * `name`: its limit is not known to reach productName's 4,000 characters.
 */
export function posPayBodyV4(request: PosPayRequest): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (request.capture !== undefined) options.payment = { capture: request.capture };
  if (request.extras !== undefined) options.extra = request.extras;
  return {
    amount: request.amount,
    currency: request.currency,
    orderId: request.orderId,
    oneTimeKey: request.oneTimeKey,
    packages: [
      {
        id: POS_PACKAGE_ID,
        amount: request.amount,
        products: [{ name: request.productName, quantity: 1, price: request.amount }],
      },
    ],
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
}

const asArray = <T>(o: Outcome<T[]>): Outcome<T[]> =>
  o.kind === "success" && !Array.isArray(o.info) ? { ...o, info: [] } : o;

export function offlineV4Api(options: LinePayClientOptions): OfflineApi {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUTS_MS.other;
  const order = (orderId: string, action: string) => `${PREFIX}/orders/${encodeURIComponent(orderId)}/${action}`;
  // As v2: the request's terminal wins over the configured one; no header when neither is set.
  const device = (deviceProfileId?: string) => ({
    deviceType: options.deviceType,
    deviceProfileId: deviceProfileId ?? options.deviceProfileId,
  });
  const v3 = { auth: "v3" as const, timeoutMs, device: device() };

  return {
    posPay: (body: PosPayRequest, extra: { deviceProfileId?: string } = {}): Promise<Outcome<PosPayInfo>> =>
      callLinePay(options, {
        operation: "pos.pay",
        method: "POST",
        path: `${PREFIX}/oneTimeKeys/pay`,
        body: posPayBodyV4(body),
        ...v3,
        timeoutMs: options.posTimeoutMs,
        device: device(extra.deviceProfileId),
      }),

    /** info.status COMPLETE / FAIL / REFUND, and on v4 also AUTH_READY (still running) or CANCEL. */
    posCheck: (orderId: string): Promise<Outcome<PosCheckInfo>> =>
      callLinePay(options, { operation: "pos.check", method: "GET", path: order(orderId, "check"), ...v3 }),

    // v4 documents no void body (as online void): none is sent and "" is signed.
    posVoid: (orderId: string): Promise<Outcome<unknown>> =>
      callLinePay(options, { operation: "pos.void", method: "POST", path: order(orderId, "void"), ...v3 }),

    posCapture: (orderId: string, money: Money): Promise<Outcome<{ payInfo?: PosPayInfo["payInfo"] }>> =>
      callLinePay(options, {
        operation: "pos.capture",
        method: "POST",
        path: order(orderId, "capture"),
        body: { amount: money.amount, currency: money.currency },
        ...v3,
      }),

    // As v2 and online: no refundAmount refunds what remains, sent (and signed) as "{}".
    posRefund: (
      orderId: string,
      body: { refundAmount?: number } = {},
    ): Promise<Outcome<{ refundTransactionId?: string }>> =>
      callLinePay(options, {
        operation: "pos.refund",
        method: "POST",
        path: order(orderId, "refund"),
        body: body.refundAmount === undefined ? {} : { refundAmount: body.refundAmount },
        ...v3,
      }),

    posAuthorizations: (orderId: string): Promise<Outcome<PosAuthorization[]>> =>
      callLinePay<PosAuthorization[]>(options, {
        operation: "pos.authorizations",
        method: "GET",
        path: `${PREFIX}/authorizations`,
        query: new URLSearchParams({ orderId }).toString(),
        ...v3,
      }).then(asArray),

    posDetails: (orderId: string): Promise<Outcome<PaymentDetail[]>> =>
      callLinePay<PaymentDetail[]>(options, {
        operation: "pos.details",
        method: "GET",
        path: PREFIX,
        query: new URLSearchParams({ orderId }).toString(),
        ...v3,
      }).then(asArray),
  };
}
