/** Partner deposits by API (`/v1/deposits`, scope `deposits`), each in the object `deposit:<depositId>` behind its merchant's prefix. */
import { refOf } from "../../model/rpc";
import { pathParam, readJson } from "../validation/request-input";
import { DepositIdSchema, DepositSchema } from "../validation/schemas";
import { CONTINUES_EXISTING, authorize, runOnOrder, viewOrder, type Handler } from "./handler";

export const createDeposit: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, "deposits");
  const body = await readJson(request, DepositSchema);
  return runOnOrder(env, refOf(merchant, "deposit", body.depositId), { op: "deposit", body, source: "api" });
};

export const getDeposit: Handler = async (request, env) => {
  const { merchant } = await authorize(request, env, "deposits", CONTINUES_EXISTING);
  const depositId = pathParam(DepositIdSchema, request.params.depositId, "depositId");
  return viewOrder(env, refOf(merchant, "deposit", depositId));
};
