/** POS payments (Offline API v2) with the customer's My Code. */
import type { PosPayBody } from "../../model/commands";
import { PosPaySchema } from "../validation/schemas";
import { readBody } from "../validation/read-body";
import { authorize, runOnOrder, type Handler } from "./context";

export const posPay: Handler = async (request, env) => {
  await authorize(request, env, ["pos"]);
  const body = (await readBody(request, PosPaySchema)) as PosPayBody;
  return runOnOrder(env, { scope: "order", id: body.orderId }, { op: "posPay", body });
};
