/**
 * One face for "the payment behind this order" whatever created it: online and preapproved
 * payments are reached by transactionId on the v3 (or v4) API, POS payments by the merchant
 * orderId on the v2 API. Capture, void, refund and their recovery are written once against
 * this interface.
 */
import { sumAmounts, type Money, type PayInfoItem } from "../../model/money";
import type { LinePayClient } from "../../linepay/client";
import type { Outcome, PaymentDetail, PayStatus } from "../../linepay/types";
import type { OrderRecord } from "../store/order-store";

/** What LINE Pay says the payment is now. */
export interface PaymentSnapshot {
  transactionId: string;
  status: PayStatus;
  payInfo?: PayInfoItem[];
  /** total refunded so far, as a positive amount */
  refundedTotal: number;
}

export interface PaymentApi {
  capture(order: OrderRecord, money: Money): Promise<Outcome<{ payInfo?: PayInfoItem[] }>>;
  void(order: OrderRecord): Promise<Outcome<unknown>>;
  refund(order: OrderRecord, refundAmount?: number): Promise<Outcome<{ refundTransactionId?: string }>>;
  /** `success` with `null` info: LINE Pay knows no payment for this order. */
  lookup(order: OrderRecord): Promise<Outcome<PaymentSnapshot | null>>;
}

export function paymentApi(order: OrderRecord, lp: LinePayClient): PaymentApi {
  // A POS order's calls carry the terminal it was paid at, not the configured default.
  return order.kind === "pos" ? offlineApi(lp, order.data.deviceProfileId) : onlineApi(lp);
}

/** A payment details entry as a snapshot (refunds are negative amounts in LINE Pay's list). */
export function snapshotOf(detail: PaymentDetail, currency: string): PaymentSnapshot {
  return {
    transactionId: detail.transactionId,
    status: detail.payStatus ?? "CAPTURE",
    payInfo: detail.payInfo,
    refundedTotal: sumAmounts(
      (detail.refundList ?? []).map((r) => Math.abs(r.refundAmount)),
      currency,
    ),
  };
}

function onlineApi(lp: LinePayClient): PaymentApi {
  return {
    capture: (order, money) => lp.capture(order.transactionId!, money),
    void: (order) => lp.void(order.transactionId!),
    refund: (order, refundAmount) =>
      lp.refund(order.transactionId!, refundAmount === undefined ? {} : { refundAmount }),
    async lookup(order) {
      if (!order.transactionId) return { kind: "success", returnCode: "0000", returnMessage: "", info: null };
      const outcome = await lp.details({ transactionIds: [order.transactionId] });
      if (outcome.kind !== "success") return outcome;
      const found = outcome.info.find((d) => d.transactionId === order.transactionId);
      return { ...outcome, info: found ? snapshotOf(found, order.currency) : null };
    },
  };
}

function offlineApi(lp: LinePayClient, device: string | undefined): PaymentApi {
  return {
    capture: (order, money) => lp.posCapture(order.refId, money, device),
    void: (order) => lp.posVoid(order.refId, device),
    refund: (order, refundAmount) =>
      lp.posRefund(order.refId, refundAmount === undefined ? {} : { refundAmount }, device),
    async lookup(order) {
      // Authorizations list what is authorized or voided; details list captured payments.
      const auths = await lp.posAuthorizations(order.refId, device);
      if (auths.kind === "success") {
        const auth = auths.info.find((a) => a.orderId === order.refId);
        if (auth && auth.payStatus !== "CAPTURE") {
          return {
            ...auths,
            info: {
              transactionId: auth.transactionId,
              status: auth.payStatus,
              payInfo: auth.payInfo,
              refundedTotal: 0,
            },
          };
        }
      } else if (auths.kind === "lost") {
        return auths;
      }
      const details = await lp.posDetails(order.refId, device);
      if (details.kind !== "success")
        return details.kind === "refused" && details.returnCode === "1150"
          ? { kind: "success", returnCode: "0000", returnMessage: "", info: null }
          : details;
      const found = details.info.find((d) => d.orderId === order.refId);
      return { ...details, info: found ? snapshotOf(found, order.currency) : null };
    },
  };
}

/** The order state a LINE Pay payment status stands for. */
export function stateOf(snapshot: PaymentSnapshot, paidAmount: number): OrderRecord["state"] {
  switch (snapshot.status) {
    case "AUTHORIZATION":
      return "AUTHORIZED";
    case "VOIDED_AUTHORIZATION":
      return "VOIDED";
    case "EXPIRED_AUTHORIZATION":
      return "EXPIRED";
    default:
      if (snapshot.refundedTotal <= 0) return "CAPTURED";
      return snapshot.refundedTotal >= paidAmount ? "REFUNDED" : "PARTIALLY_REFUNDED";
  }
}
