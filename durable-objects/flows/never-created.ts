/**
 * When LINE Pay knows no payment for an order whose pay answer was lost. That settles the order
 * as never created only if LINE Pay certainly finished handling the call (it answered an HTTP
 * error, a malformed body or a temporary code), or once the call cannot still be running (its
 * read timeout plus a minute has passed): after a timeout or a reset, the pay may be finishing
 * at LINE Pay right now, and settling FAILED then would hide money that moved. Used by every
 * creating payment (POS pay, preapproved pay).
 */
import { GatewayError } from "../../model/problem";
import type { OperationRecord, OrderRecord } from "../store/order-store";
import { idExtras, problem } from "../views";
import type { FlowContext, StepResult } from "./operation";

const STILL_RUNNING_GRACE_MS = 60_000;
const FINISHED_AT_LINE_PAY = ["http", "malformed", "temporary"];

export function settleNotFound(
  order: OrderRecord,
  record: OperationRecord | undefined,
  ctx: FlowContext,
  how: { operation: string; check: string; readTimeoutMs: number; returnCode?: string; returnMessage?: string },
): StepResult {
  const finished = record !== undefined && FINISHED_AT_LINE_PAY.includes(record.lostReason ?? "");
  const mayRun = record === undefined || ctx.now() - record.startedAt < how.readTimeoutMs + STILL_RUNNING_GRACE_MS;
  if (!finished && mayRun) {
    return {
      kind: "unknown",
      events: [
        {
          operation: how.check,
          outcome: "not_found_yet",
          ...(how.returnCode ? { returnCode: how.returnCode } : {}),
          detail: "no payment yet; the lost call may still be running at LINE Pay",
        },
      ],
    };
  }
  const failed: OrderRecord = { ...order, state: "FAILED" };
  return {
    kind: "settled",
    order: failed,
    answer: problem(
      new GatewayError("upstream_unavailable", "LINE Pay never created the payment; pay again with a new orderId", {
        ...idExtras(order),
        ...(how.returnCode ? { returnCode: how.returnCode } : {}),
        ...(how.returnMessage ? { returnMessage: how.returnMessage } : {}),
      }),
    ),
    events: [
      {
        operation: how.operation,
        outcome: "never_created",
        ...(how.returnCode ? { returnCode: how.returnCode } : {}),
        detail: `${how.check}: no such payment (first answer lost by ${record?.lostReason ?? "a restart"})`,
      },
    ],
  };
}
