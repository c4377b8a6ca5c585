/** POS payments (`/v1/pos/payments`, LINE Pay Offline API v2) with the customer's My Code. */
import { readJson } from "../validation/read-body";
import { PosPaySchema } from "../validation/schemas";
import { authorize, runOnOrder, type Handler } from "./context";

export const posPay: Handler = async (request, env) => {
  await authorize(request, env, "pos");
  const body = await readJson(request, PosPaySchema);
  return runOnOrder(env, { scope: "order", id: body.orderId }, { op: "posPay", body });
};
