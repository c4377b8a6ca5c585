/**
 * Online orders (`/v1/payments`, LINE Pay Online API v3/v4), and the orderId routes that POS
 * and preapproved orders share: capture, void, refund and GET accept scope `payments` or `pos`.
 * The reserve body's orderId names the order object; the other routes take it from the path.
 */
import type { IRequest } from "itty-router";
import type { Merchant } from "../../model/merchant";
import { refOf, type OrderRef } from "../../model/rpc";
import { pathParam, readJson, requiredHeader } from "../validation/request-input";
import {
  IdempotencyKeySchema,
  MoneySchema,
  OrderIdSchema,
  RefundSchema,
  ReserveSchema,
  VoidSchema,
} from "../validation/schemas";
import { CONTINUES_EXISTING, authorize, runOnOrder, viewOrder, type Handler } from "./handler";

/** The path's order, among the caller's merchant's orders. */
const orderRef = (request: IRequest, merchant: Merchant): OrderRef =>
  refOf(merchant, "order", pathParam(OrderIdSchema, request.params.orderId, "orderId"));

export const reserve: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, "payments");
  const body = await readJson(request, ReserveSchema);
  return runOnOrder(env, refOf(merchant, "order", body.orderId), { op: "reserve", body });
};

export const confirm: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, "payments");
  const ref = orderRef(request, merchant);
  const body = await readJson(request, MoneySchema);
  return runOnOrder(env, ref, { op: "confirm", body });
};

export const capture: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, ["payments", "pos"]);
  const ref = orderRef(request, merchant);
  const body = await readJson(request, MoneySchema);
  return runOnOrder(env, ref, { op: "capture", body });
};

export const voidPayment: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, ["payments", "pos"], CONTINUES_EXISTING);
  const ref = orderRef(request, merchant);
  await readJson(request, VoidSchema, { optional: true });
  return runOnOrder(env, ref, { op: "void" });
};

/** Several partial refunds of one order are legitimate, so the Idempotency-Key names each one. */
export const refund: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, ["payments", "pos"], CONTINUES_EXISTING);
  const ref = orderRef(request, merchant);
  const idempotencyKey = requiredHeader(request, IdempotencyKeySchema, "Idempotency-Key");
  const { refundAmount } = await readJson(request, RefundSchema, { optional: true });
  return runOnOrder(env, ref, {
    op: "refund",
    idempotencyKey,
    ...(refundAmount === undefined ? {} : { refundAmount }),
  });
};

export const getPayment: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, ["payments", "pos"], CONTINUES_EXISTING);
  return viewOrder(env, orderRef(request, merchant));
};
