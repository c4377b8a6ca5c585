/**
 * Void of an authorization, for every kind of payment (payment-api.ts). A lost answer or a
 * 1165 ("already captured or voided") is settled from LINE Pay's record of the payment.
 */
import type { OrderRecord } from "../store/order-store";
import { ok } from "../views";
import { DEFAULT_RECOVERY, type CommandOf, type Operation } from "../operation";
import { isUncertain, lostStep, refusalAnswer, refusedEvent } from "./linepay-outcomes";
import { paymentApi } from "./payment-api";
import { fromSnapshot, isStep, look, notSeen, refusalToLookAt } from "./payment-record";

export const voidPayment: Operation<CommandOf<"void">> = {
  op: "void",
  startsFrom: ["AUTHORIZED"],
  params: () => ({}),
  timeout: "other",
  async perform(order, _command, ctx) {
    const outcome = await paymentApi(order, ctx.linePay).void(order);
    if (outcome.kind === "success") {
      const voided: OrderRecord = { ...order, state: "VOIDED" };
      return { kind: "settled", order: voided, answer: ok(voided), events: [{ operation: "void", outcome: "voided" }] };
    }
    if (isUncertain(outcome)) return lostStep("void", outcome);
    if (outcome.category === "duplicate" || outcome.returnCode === "1165") return refusalToLookAt("void", outcome);
    return { kind: "not_applied", answer: refusalAnswer(order, outcome), events: [refusedEvent("void", outcome)] };
  },
  async recover(order, _command, ctx) {
    const seen = await look(order, ctx);
    if (isStep(seen)) return seen;
    if (!seen) return { kind: "unknown", events: [{ operation: "details", outcome: "payment_not_found" }] };
    if (seen.status === "AUTHORIZATION")
      return notSeen(order, "void", "payment details still show the authorization", "void again");
    const result = fromSnapshot(order, seen, "void", `payment details show ${seen.status}`);
    if (result.order.state !== "VOIDED") {
      result.answer = refusalAnswer(order, {
        kind: "refused",
        category: "refused",
        returnCode: "1165",
        returnMessage: `the payment is ${seen.status}, not voidable`,
      });
    }
    return result;
  },
  recovery: DEFAULT_RECOVERY,
};
