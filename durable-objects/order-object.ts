/**
 * One Durable Object per order (`order:<orderId>`) or deposit (`deposit:<depositId>`): every
 * call for it runs here, one at a time, through the operation runner. RPC methods are the
 * public surface (model/rpc.ts); everything else is `#private` so RPC cannot reach it.
 */
import { DurableObject } from "cloudflare:workers";
import type { GatewayAnswer } from "../model/answer";
import type { OrderCommand } from "../model/commands";
import { readConfig } from "../model/config";
import { GatewayError } from "../model/problem";
import type { DeliveryReport } from "../model/events";
import type { OrderObjectRpc, OrderRef } from "../model/rpc";
import { createLinePayClient } from "../linepay/client";
import type { OperationContext } from "./operation";
import { logEvent } from "./log";
import { OperationRunner } from "./runner";
import { anyOperation, callerOperation } from "./operations/registry";
import { OrderStore } from "./store/order-store";
import { orderView, problem } from "./views";

export class OrderObject extends DurableObject<Env> implements OrderObjectRpc {
  readonly #store: OrderStore;
  readonly #runner: OperationRunner;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // SQLite is synchronous: the store and the runner exist before any request can arrive.
    this.#store = new OrderStore(ctx.storage);
    this.#runner = new OperationRunner({
      store: this.#store,
      specFor: anyOperation,
      operationFor: callerOperation,
      context: (ref) => this.#context(ref),
      now: () => Date.now(),
    });
    // Nothing is in flight in a new instance: a PENDING record is a call cut off mid-way.
    void ctx.blockConcurrencyWhile(async () => this.#runner.resumeCutOperations());
  }

  async execute(ref: OrderRef, command: OrderCommand): Promise<GatewayAnswer> {
    return this.#runner.execute(ref, command);
  }

  async view(ref: OrderRef): Promise<GatewayAnswer> {
    const order = this.#store.loadOrder();
    if (!order) {
      const label = ref.scope === "deposit" ? "deposit" : "order";
      return problem(
        new GatewayError(
          "not_found",
          `no ${label} with this id`,
          ref.scope === "deposit" ? { depositId: ref.id } : { orderId: ref.id },
        ),
      );
    }
    return { status: 200, body: orderView(order, this.#store.events()) };
  }

  /** The events consumer's report of one delivery attempt: journaled on the order. */
  async recordDelivery(report: DeliveryReport): Promise<void> {
    if (!this.#store.loadOrder()) return;
    const detail = [
      `event ${report.eventId}`,
      `attempt ${report.attempt}`,
      report.status && `HTTP ${report.status}`,
      report.detail,
    ]
      .filter(Boolean)
      .join(", ");
    const now = Date.now();
    this.#store.transaction(() =>
      this.#store.appendEvent({ operation: "event", outcome: `event_${report.outcome}`, detail }, now),
    );
  }

  override async alarm(): Promise<void> {
    await this.#runner.wake();
  }

  #context(ref: OrderRef): OperationContext {
    const config = readConfig(this.env);
    return {
      env: this.env,
      config,
      ref,
      linePay: createLinePayClient({ ...config.linePay, log: logEvent }),
      now: () => Date.now(),
    };
  }
}
