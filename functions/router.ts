/**
 * The router is the Worker (itty-router v5): routes in one table, and one `catch` that turns
 * every error into problem+json. Handlers throw GatewayError; they never build error bodies.
 */
import { Router, type IRequest } from "itty-router";
import { GatewayError } from "../model/problem";
import { answerToResponse, errorToResponse } from "./respond";
import { createDeposit, depositWebhook, getDeposit } from "./routes/deposits";
import { capture, confirm, getPayment, refund, reserve, voidPayment } from "./routes/payments";
import { posPay } from "./routes/pos";
import { preapprovedPay, regKeyExpire, regKeyStatus } from "./routes/preapproved";
import { health, openapi } from "./routes/service";

type Args = [Env, ExecutionContext];

const notFound = (request: IRequest) => {
  throw new GatewayError("not_found", `no route for ${request.method} ${new URL(request.url).pathname}`);
};

export const router = Router<IRequest, Args>({
  catch: (error: unknown, request: IRequest) => errorToResponse(error, request),
  finally: [(response: Response | undefined) => response ?? answerToResponse({ status: 404, body: {} })],
});

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
  .all("*", notFound);
