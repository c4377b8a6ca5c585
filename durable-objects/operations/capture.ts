/**
 * Capture of an authorization, for every kind of payment (online and preapproved by
 * transactionId, POS by orderId: payment-api.ts). A lost answer, a 1165 ("already captured or
 * voided") and a declined capture (which makes LINE Pay cancel the authorization) are settled
 * from LINE Pay's record of the payment (payment-record.ts).
 */
import { GatewayError } from "../../model/problem";
import type { OrderRecord } from "../store/order-store";
import { ok } from "../views";
import { DEFAULT_RECOVERY, type CommandOf, type Operation } from "../operation";
import { isUncertain, lostStep, refusalAnswer, refusedEvent } from "./linepay-outcomes";
import { paymentApi } from "./payment-api";
import { fromSnapshot, isStep, look, notSeen, refusalToLookAt } from "./payment-record";

export const capture: Operation<CommandOf<"capture">> = {
  op: "capture",
  startsFrom: ["AUTHORIZED"],
  timeout: "capture",
  precheck(order, command) {
    if (!order) return;
    const errors = [];
    if (command.body.currency !== order.currency)
      errors.push({ path: "currency", message: `must be ${order.currency}` });
    if (command.body.amount > order.amount)
      errors.push({ path: "amount", message: `must not exceed the authorized ${order.amount}` });
    if (errors.length) throw new GatewayError("invalid_request", "capture does not fit the authorization", { errors });
  },
  async perform(order, command, ctx) {
    const outcome = await paymentApi(order, ctx.linePay).capture(order, command.body);
    if (outcome.kind === "success") {
      const captured: OrderRecord = {
        ...order,
        state: "CAPTURED",
        ...(outcome.info.payInfo ? { payInfo: outcome.info.payInfo } : {}),
        data: { ...order.data, capturedAmount: command.body.amount },
      };
      return {
        kind: "settled",
        order: captured,
        answer: ok(captured),
        events: [{ operation: "capture", outcome: "captured" }],
      };
    }
    if (isUncertain(outcome)) return lostStep("capture", outcome);
    // 1165 "already captured or voided" may be this capture, finished late; a declined capture
    // makes LINE Pay cancel the authorization (LINEPAY.md). Either way its record decides.
    if (outcome.category === "duplicate" || outcome.category === "declined" || outcome.returnCode === "1165")
      return refusalToLookAt("capture", outcome);
    return { kind: "not_applied", answer: refusalAnswer(order, outcome), events: [refusedEvent("capture", outcome)] };
  },
  async recover(order, command, ctx) {
    const seen = await look(order, ctx);
    if (isStep(seen)) return seen;
    if (!seen) return { kind: "unknown", events: [{ operation: "details", outcome: "payment_not_found" }] };
    if (seen.status === "AUTHORIZATION")
      return notSeen(order, "capture", "payment details still show the authorization", "capture again");
    const result = fromSnapshot(
      { ...order, data: { ...order.data, capturedAmount: command.body.amount } },
      seen,
      "capture",
      `payment details show ${seen.status}`,
    );
    if (result.order.state !== "CAPTURED") {
      result.answer = refusalAnswer(order, {
        kind: "refused",
        category: "declined",
        returnCode: "AUTH_CANCELLED",
        returnMessage: `the authorization is ${seen.status}`,
      });
    }
    return result;
  },
  recovery: DEFAULT_RECOVERY,
};
