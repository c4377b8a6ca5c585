/**
 * The router is the Worker (itty-router v5): `before` refuses what no route could accept,
 * the routes run, one `catch` (errors.ts) turns every thrown error into problem+json, and
 * `finally` makes sure no response leaves without `Cache-Control: no-store`. Handlers throw
 * GatewayError; they never build error bodies.
 */
import { Router, type IRequest } from "itty-router";
import { GatewayError, problemAnswer } from "../model/problem";
import { toProblemResponse } from "./errors";
import { answerToResponse } from "./respond";
import { createDeposit, getDeposit } from "./routes/deposits";
import { capture, confirm, getPayment, refund, reserve, voidPayment } from "./routes/payments";
import { deleteMerchant, getMerchant, putMerchant } from "./routes/merchants";
import { posPay } from "./routes/pos";
import { preapprovedPay, regKeyExpire, regKeyStatus } from "./routes/preapproved";
import { health, openapi } from "./routes/service";
import { depositWebhook, merchantDepositWebhook } from "./routes/webhooks";
import { checkDeclaredLength } from "./validation/request-input";

type Args = [Env, ExecutionContext];

/** No route's body may exceed the cap: refuse a declared oversized body before auth or reading. */
const refuseOversizedBody = (request: IRequest): undefined => {
  checkDeclaredLength(request);
  return undefined;
};

const noStore = (response: Response | undefined): Response => {
  if (!response) return answerToResponse(problemAnswer(new GatewayError("internal_error", "no response was produced")));
  if (response.headers.get("Cache-Control") === "no-store") return response;
  const copy = new Response(response.body, response);
  copy.headers.set("Cache-Control", "no-store");
  return copy;
};

export const router = Router<IRequest, Args, Response>({
  before: [refuseOversizedBody],
  catch: toProblemResponse,
  finally: [noStore],
});

/** A path some route serves with another method is a 405 with `Allow`; any other path a 404. */
const unmatched = (request: IRequest): Response => {
  const { pathname } = new URL(request.url);
  const allowed = new Set<string>();
  for (const [method, pattern] of router.routes) {
    if (method !== "ALL" && pattern.test(pathname)) allowed.add(method);
  }
  if (allowed.size > 0) {
    const allow = [...allowed].join(", ");
    throw new GatewayError("method_not_allowed", `${request.method} is not allowed here; use ${allow}`, {
      headers: { Allow: allow },
    });
  }
  throw new GatewayError("not_found", "no such route");
};

router
  .get("/healthz", health)
  .get("/openapi.json", openapi)
  .post("/v1/payments", reserve)
  .get("/v1/payments/:orderId", getPayment)
  .post("/v1/payments/:orderId/confirm", confirm)
  .post("/v1/payments/:orderId/capture", capture)
  .post("/v1/payments/:orderId/void", voidPayment)
  .post("/v1/payments/:orderId/refund", refund)
  .post("/v1/pos/payments", posPay)
  .post("/v1/preapproved/:regKeyToken/payments", preapprovedPay)
  .get("/v1/preapproved/:regKeyToken", regKeyStatus)
  .delete("/v1/preapproved/:regKeyToken", regKeyExpire)
  .post("/v1/deposits", createDeposit)
  .get("/v1/deposits/:depositId", getDeposit)
  .post("/v1/webhooks/deposits", depositWebhook)
  .post("/v1/webhooks/deposits/:merchantId", merchantDepositWebhook)
  .put("/v1/merchants/:merchantId", putMerchant)
  .get("/v1/merchants/:merchantId", getMerchant)
  .delete("/v1/merchants/:merchantId", deleteMerchant)
  .all("*", unmatched);
