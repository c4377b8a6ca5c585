/** POS payments (`/v1/pos/payments`, LINE Pay Offline API v2 or v4, by the merchant's offlineVersion) with the customer's My Code. */
import { refOf } from "../../model/rpc";
import { readJson } from "../validation/request-input";
import { PosPaySchema } from "../validation/schemas";
import { authorize, runOnOrder, type Handler } from "./handler";

export const posPay: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, "pos");
  const body = await readJson(request, PosPaySchema);
  return runOnOrder(env, refOf(merchant, "order", body.orderId), { op: "posPay", body });
};
