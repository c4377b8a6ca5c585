/** The fault matrix (fault-matrix.ts) for the online flow: reserve, confirm, capture, void, refund and their lookups. */
import { describe } from "vitest";
import { call, reserveBody, uniqueId } from "../support/gateway";
import { sandbox } from "../support/sandbox";
import {
  approvedOrder,
  confirmed,
  confirmOf,
  matrix,
  never,
  orderCase,
  paid,
  refundedSome,
  statusIs,
  type Setup,
} from "./fault-matrix";

/** How to bring an order to the operation under test, with the fault queued for it. */
const SETUPS: Record<string, Setup> = {
  async request(op, fault) {
    const id = uniqueId("fm");
    await sandbox.fault(op, fault, id);
    // A reservation moves no money: nothing to be honest about but its state.
    return orderCase(id, () => call("POST", "/v1/payments", { body: reserveBody(id) }), never);
  },
  async confirm(op, fault) {
    const id = await approvedOrder();
    await sandbox.fault(op, fault, id);
    return orderCase(id, confirmOf(id), paid(id));
  },
  async capture(op, fault) {
    const id = await confirmed({ payment: { capture: false } });
    await sandbox.fault(op, fault, id);
    return orderCase(
      id,
      () => call("POST", `/v1/payments/${id}/capture`, { body: { amount: 1000, currency: "JPY" } }),
      statusIs(id, "CAPTURE"),
    );
  },
  async void(op, fault) {
    const id = await confirmed({ payment: { capture: false } });
    await sandbox.fault(op, fault, id);
    return orderCase(id, () => call("POST", `/v1/payments/${id}/void`), statusIs(id, "VOIDED_AUTHORIZATION"));
  },
  async refund(op, fault) {
    const id = await confirmed();
    await sandbox.fault(op, fault, id);
    return orderCase(
      id,
      () =>
        call("POST", `/v1/payments/${id}/refund`, {
          body: { refundAmount: 300 },
          headers: { "Idempotency-Key": "fm" },
        }),
      refundedSome(id),
    );
  },
  async details(op, fault) {
    // Payment details run when a confirm's answer was lost.
    const id = await approvedOrder();
    await sandbox.fault("confirm", { type: "drop" }, id);
    await sandbox.fault(op, fault, id);
    return orderCase(id, confirmOf(id), paid(id));
  },
  async check(op, fault) {
    // The v3 status check runs when details know no payment after a lost confirm.
    const id = await approvedOrder();
    await sandbox.fault("confirm", { type: "http", status: 500, phase: "before" }, id);
    await sandbox.fault(op, fault, id);
    return orderCase(id, confirmOf(id), paid(id));
  },
};

describe("faults on the online flow", () => {
  matrix(SETUPS);
});
