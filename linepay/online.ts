/**
 * Online API v3 (or v4: same bodies and signing, path prefix `/v4`, plus
 * `info.paymentProvider`). Read timeouts are LINE Pay's documented minima unless
 * `timeoutMs` overrides them all. Ids in paths are strings, never numbers.
 */
import { callLinePay } from "./transport";
import {
  DEFAULT_TIMEOUTS_MS,
  STATUS_CHECK_CODES,
  readTimeoutMs,
  type CaptureInfo,
  type CheckStatusInfo,
  type ConfirmInfo,
  type LinePayClientOptions,
  type Money,
  type Outcome,
  type PaymentDetail,
  type PreapprovedPayInfo,
  type RefundInfo,
  type RequestInfo,
} from "./types";

export type { Money } from "./types";

export interface PreapprovedPayRequest extends Money {
  productName: string;
  orderId: string;
  capture?: boolean;
}

export interface DetailsQuery {
  transactionIds?: string[];
  orderIds?: string[];
}

/** LINE Pay answers an array; anything else from a success is read as "nothing found". */
const asArray = <T>(o: Outcome<T[]>): Outcome<T[]> =>
  o.kind === "success" && !Array.isArray(o.info) ? { ...o, info: [] } : o;

export function onlineApi(options: LinePayClientOptions) {
  const prefix = `/${options.onlineVersion}/payments`;
  const timeout = (op: keyof typeof DEFAULT_TIMEOUTS_MS) => readTimeoutMs(options, op);
  const tx = (transactionId: string) => encodeURIComponent(transactionId);
  const regKeyPath = (regKey: string, action: string) =>
    `${prefix}/preapprovedPay/${encodeURIComponent(regKey)}/${action}`;

  return {
    /** The body is LINE Pay's request body as the gateway validated it; sent as given. */
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
        path: `${prefix}/${tx(transactionId)}/confirm`,
        body: { amount: money.amount, currency: money.currency },
        auth: "v3",
        timeoutMs: timeout("confirm"),
      }),

    capture: (transactionId: string, money: Money): Promise<Outcome<CaptureInfo>> =>
      callLinePay(options, {
        operation: "capture",
        method: "POST",
        path: `${prefix}/authorizations/${tx(transactionId)}/capture`,
        body: { amount: money.amount, currency: money.currency },
        auth: "v3",
        timeoutMs: timeout("capture"),
      }),

    // LINE Pay documents no body for void: none is sent and "" is signed.
    void: (transactionId: string): Promise<Outcome<unknown>> =>
      callLinePay(options, {
        operation: "void",
        method: "POST",
        path: `${prefix}/authorizations/${tx(transactionId)}/void`,
        auth: "v3",
        timeoutMs: timeout("other"),
      }),

    // refundAmount absent means "refund what remains"; the body is then "{}" (a JSON object,
    // which LINE Pay's JSON parser accepts where an empty body may not be).
    refund: (transactionId: string, body: { refundAmount?: number } = {}): Promise<Outcome<RefundInfo>> =>
      callLinePay(options, {
        operation: "refund",
        method: "POST",
        path: `${prefix}/${tx(transactionId)}/refund`,
        body: body.refundAmount === undefined ? {} : { refundAmount: body.refundAmount },
        auth: "v3",
        timeoutMs: timeout("other"),
      }),

    /** Repeated `transactionId` / `orderId` parameters for several; `info` is always an array. */
    details: (query: DetailsQuery): Promise<Outcome<PaymentDetail[]>> => {
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
      }).then(asArray);
    },

    /** The answer is the returnCode: 0000 waiting, 0110 authenticated, 0121 cancelled/expired, 0122 failed, 0123 done. */
    checkStatus: (transactionId: string): Promise<Outcome<CheckStatusInfo>> =>
      callLinePay(options, {
        operation: "check",
        method: "GET",
        path: `${prefix}/requests/${tx(transactionId)}/check`,
        auth: "v3",
        timeoutMs: timeout("other"),
        successCodes: STATUS_CHECK_CODES,
      }),

    payPreapproved: (regKey: string, body: PreapprovedPayRequest): Promise<Outcome<PreapprovedPayInfo>> =>
      callLinePay(options, {
        operation: "preapproved.pay",
        method: "POST",
        path: regKeyPath(regKey, "payment"),
        // Named fields only, in LINE Pay's order: nothing else the caller held rides along.
        body: {
          productName: body.productName,
          amount: body.amount,
          currency: body.currency,
          orderId: body.orderId,
          ...(body.capture === undefined ? {} : { capture: body.capture }),
        },
        auth: "v3",
        timeoutMs: timeout("other"),
        redact: { regKey },
      }),

    /** 0000 valid; refused 1190 (unknown) or 1193 (expired). `creditCardAuth` asks LINE Pay to check the card too. */
    checkRegKey: (regKey: string, check: { creditCardAuth?: boolean } = {}): Promise<Outcome<unknown>> =>
      callLinePay(options, {
        operation: "preapproved.check",
        method: "GET",
        path: regKeyPath(regKey, "check"),
        query: check.creditCardAuth === undefined ? "" : `creditCardAuth=${check.creditCardAuth}`,
        auth: "v3",
        timeoutMs: timeout("other"),
        redact: { regKey },
      }),

    expireRegKey: (regKey: string): Promise<Outcome<unknown>> =>
      callLinePay(options, {
        operation: "preapproved.expire",
        method: "POST",
        path: regKeyPath(regKey, "expire"),
        auth: "v3",
        timeoutMs: timeout("other"),
        redact: { regKey },
      }),
  };
}
