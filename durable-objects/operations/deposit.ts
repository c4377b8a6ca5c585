/**
 * Partner Deposit: money sent to a person's LINE Pay number, which cannot be taken back, so it
 * must happen exactly once. There is no inquiry API (LINEPAY.md): a lost answer is settled by
 * sending the very same request again, and LINE Pay's orderId check (1172) says that the first
 * one went through. Fingerprint, replay, coalescing and recovery are the order object's.
 */
import type { DepositBody } from "../../model/commands";
import type { OperationRecord, OrderRecord } from "../store/order-store";
import { ok } from "../views";
import type { CommandOf, Operation, OperationContext, RecoveryPolicy, Settled, StillUnknown } from "../operation";
import { isUncertain, lostStep, refusalAnswer, refusedEvent } from "./linepay-outcomes";

type DepositCommand = CommandOf<"deposit">;

const DEPOSIT_RECOVERY: RecoveryPolicy = {
  intervalsMs: [2_000, 5_000, 15_000, 60_000],
  windowMs: 20 * 60_000,
  slowIntervalMs: 15 * 60_000,
};

/** The deposit done: exactly one transfer, with or without its transactionId. */
function completed(
  order: OrderRecord,
  deposit: NonNullable<OrderRecord["data"]["deposit"]>,
  how: { outcome: "completed"; detail?: string; returnCode?: string; transactionId?: string },
): Settled {
  const { transactionId, ...event } = how;
  const done: OrderRecord = {
    ...order,
    state: "COMPLETED",
    ...(transactionId ? { transactionId } : {}),
    data: { ...order.data, deposit },
  };
  return { kind: "settled", order: done, answer: ok(done), events: [{ operation: "deposit", ...event }] };
}

/**
 * Sends the deposit (again, after a lost answer: `lost` is its record). After a lost first
 * answer only success or 1172 settle it: any other refusal of the resend says nothing about the
 * first request (the merchant's balance may be short now because the first went through), so
 * the deposit stays UNKNOWN, with an alert, and the resend is tried again later.
 */
async function send(
  order: OrderRecord,
  body: DepositBody,
  ctx: OperationContext,
  lost?: OperationRecord,
): Promise<Settled | StillUnknown> {
  const resend = lost !== undefined;
  const outcome = await ctx.linePay.deposit({
    depositId: body.depositId,
    linePayNumber: body.linePayNumber,
    amount: body.amount,
    currency: body.currency,
    ...(body.phoneLast4 ? { phoneLast4: body.phoneLast4 } : {}),
  });
  if (outcome.kind === "success") {
    const detail = resend ? "sent again after a lost answer: this is the only transfer" : undefined;
    return completed(
      order,
      { linePayNumber: body.linePayNumber, fee: outcome.info.fee ?? null },
      {
        outcome: "completed",
        detail,
        transactionId: outcome.info.transactionId,
      },
    );
  }
  if (isUncertain(outcome)) return lostStep("deposit", outcome);
  if (outcome.returnCode === "1172") {
    // This depositId already reached LINE Pay: that one transfer is the deposit.
    return completed(
      order,
      { linePayNumber: body.linePayNumber, fee: null, transactionIdUnknown: true },
      {
        outcome: "completed",
        returnCode: "1172",
        detail:
          "LINE Pay already has this depositId: exactly one transfer happened; its transactionId was in the lost answer and is unknown",
      },
    );
  }
  if (outcome.category === "duplicate")
    return {
      kind: "unknown",
      events: [refusedEvent("deposit", outcome, "LINE Pay reports a concurrent request; sending again later")],
    };
  if (resend) {
    const first = lost.attempts === 0;
    return {
      kind: "unknown",
      events: [
        refusedEvent(
          "deposit",
          outcome,
          `${first ? "ALERT: " : ""}the resend was refused (${outcome.returnMessage}); whether the first request paid out is unknown, so the deposit stays UNKNOWN and is sent again later`,
        ),
      ],
    };
  }
  const failed: OrderRecord = { ...order, state: "FAILED" };
  return {
    kind: "settled",
    order: failed,
    answer: refusalAnswer(order, outcome),
    events: [refusedEvent("deposit", outcome)],
  };
}

export const deposit: Operation<DepositCommand> = {
  op: "deposit",
  startsFrom: ["NEW"],
  // Where the trigger came from does not make it another deposit.
  timeout: "other",
  begin: (_order, command, ctx) => ({
    scope: "deposit",
    refId: command.body.depositId,
    kind: "deposit",
    state: "UNKNOWN",
    amount: command.body.amount,
    currency: command.body.currency,
    refundedAmount: 0,
    data: { deposit: { linePayNumber: command.body.linePayNumber, fee: null }, source: command.source },
    createdAt: ctx.now(),
    updatedAt: ctx.now(),
  }),
  perform: (order, command, ctx) => send(order, command.body, ctx),
  recover: (order, command, ctx, record) => send(order, command.body, ctx, record),
  recovery: DEPOSIT_RECOVERY,
};
