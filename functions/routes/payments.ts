/** Online orders (Online API v3/v4) and the orderId routes shared with POS and preapproved orders. */
import type { Money, ReserveBody } from "../../model/commands";
import { GatewayError } from "../../model/problem";
import {
  IdempotencyKeySchema,
  MoneySchema,
  OrderIdSchema,
  RefundSchema,
  ReserveSchema,
  VoidSchema,
} from "../validation/schemas";
import { pathParam, readBody, validate } from "../validation/read-body";
import { authorize, runOnOrder, viewOrder, type Handler } from "./context";

const orderRef = (raw: string | undefined) => ({
  scope: "order" as const,
  id: pathParam(raw, OrderIdSchema, "orderId"),
});

export const reserve: Handler = async (request, env) => {
  await authorize(request, env, ["payments"]);
  const body = (await readBody(request, ReserveSchema)) as ReserveBody;
  return runOnOrder(env, { scope: "order", id: body.orderId }, { op: "reserve", body });
};

export const confirm: Handler = async (request, env) => {
  await authorize(request, env, ["payments"]);
  const ref = orderRef(request.params.orderId);
  const body = (await readBody(request, MoneySchema)) as Money;
  return runOnOrder(env, ref, { op: "confirm", body });
};

export const capture: Handler = async (request, env) => {
  await authorize(request, env, ["payments", "pos"]);
  const ref = orderRef(request.params.orderId);
  const body = (await readBody(request, MoneySchema)) as Money;
  return runOnOrder(env, ref, { op: "capture", body });
};

export const voidPayment: Handler = async (request, env) => {
  await authorize(request, env, ["payments", "pos"]);
  const ref = orderRef(request.params.orderId);
  await readBody(request, VoidSchema, true);
  return runOnOrder(env, ref, { op: "void" });
};

export const refund: Handler = async (request, env) => {
  await authorize(request, env, ["payments", "pos"]);
  const ref = orderRef(request.params.orderId);
  const key = request.headers.get("Idempotency-Key");
  if (key === null) {
    throw new GatewayError("invalid_request", "the Idempotency-Key header is required for refunds", {
      errors: [{ path: "Idempotency-Key", message: "required" }],
    });
  }
  const idempotencyKey = validate(IdempotencyKeySchema, key, "Idempotency-Key header");
  const body = await readBody(request, RefundSchema, true);
  return runOnOrder(env, ref, {
    op: "refund",
    idempotencyKey,
    ...(body.refundAmount === undefined ? {} : { refundAmount: body.refundAmount }),
  });
};

export const getPayment: Handler = async (request, env) => {
  await authorize(request, env, ["payments", "pos"]);
  return viewOrder(env, orderRef(request.params.orderId));
};
