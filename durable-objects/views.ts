/**
 * What callers see of an order or a deposit (CONTRACT.md shapes). Built from the stored
 * record only, so a replayed answer and a GET agree.
 */
import type { GatewayAnswer } from "../model/answer";
import type { DepositView, OrderEvent, OrderKind, OrderState, OrderView } from "../model/order";
import { GatewayError, problemAnswer } from "../model/problem";
import type { OrderRecord } from "./store/order-store";

export function orderView(order: OrderRecord, events?: OrderEvent[]): OrderView | DepositView {
  if (order.scope === "deposit") return depositView(order, events);
  const view: OrderView = {
    orderId: order.refId,
    kind: order.kind as OrderKind,
    state: order.state as OrderState,
    amount: order.amount,
    currency: order.currency,
    refundedAmount: order.refundedAmount,
  };
  if (order.transactionId) view.transactionId = order.transactionId;
  if (order.payInfo) view.payInfo = order.payInfo;
  if (order.data.paymentUrl && order.state === "RESERVED") view.paymentUrl = order.data.paymentUrl;
  if (order.data.authorizationExpireDate) view.authorizationExpireDate = order.data.authorizationExpireDate;
  if (typeof order.data.paymentProvider === "string") view.paymentProvider = order.data.paymentProvider;
  if (events) view.events = events;
  return view;
}

function depositView(order: OrderRecord, events?: OrderEvent[]): DepositView {
  const view: DepositView = {
    depositId: order.refId,
    state: order.state as DepositView["state"],
    amount: order.amount,
    currency: "JPY",
    fee: order.data.deposit?.fee ?? null,
    linePayNumber: order.data.deposit?.linePayNumber ?? "",
  };
  if (order.transactionId) view.transactionId = order.transactionId;
  if (events) view.events = events;
  return view;
}

export function ok(order: OrderRecord, status = 200): GatewayAnswer {
  return { status, body: orderView(order) };
}

/** 202: the outcome is not known yet; ask again after `retryAfter` seconds. */
export function pending(order: OrderRecord, retryAfter: number): GatewayAnswer {
  return { status: 202, body: orderView(order), headers: { "Retry-After": String(retryAfter) } };
}

export function problem(error: GatewayError): GatewayAnswer {
  return problemAnswer(error);
}

export function idExtras(order: Pick<OrderRecord, "scope" | "refId">): { orderId?: string; depositId?: string } {
  return order.scope === "deposit" ? { depositId: order.refId } : { orderId: order.refId };
}
