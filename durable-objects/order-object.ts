/**
 * One Durable Object per order (`order:<orderId>`) or deposit (`deposit:<depositId>`), behind
 * its merchant's prefix (model/rpc.ts): every call for it runs here, one at a time, through
 * the operation runner, with its own merchant's channel. RPC methods are the public surface
 * (model/rpc.ts); everything else is `#private` so RPC cannot reach it.
 */
import { DurableObject } from "cloudflare:workers";
import type { GatewayAnswer } from "../model/answer";
import type { OrderCommand } from "../model/commands";
import { readConfig } from "../model/config";
import { GatewayError } from "../model/problem";
import type { DeliveryReport } from "../model/events";
import type { OrderObjectRpc, OrderRef } from "../model/rpc";
import type { Merchant } from "../model/merchant";
import { merchantChannel } from "./merchant/channel";
import type { OperationContext } from "./operation";
import { OrderEvents } from "./order-events";
import { regKeyTokenOf } from "./operations/register-regkey";
import { OperationRunner } from "./runner";
import { anyOperation, callerOperation } from "./operations/registry";
import { OrderStore } from "./store/order-store";
import { orderView, problem } from "./views";

export class OrderObject extends DurableObject<Env> implements OrderObjectRpc {
  readonly #store: OrderStore;
  readonly #events: OrderEvents;
  readonly #runner: OperationRunner;
  /** the order's merchant as last read (events consult it inside a transaction, where nothing can be awaited) */
  #merchant: Merchant | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // SQLite is synchronous: the store and the runner exist before any request can arrive.
    this.#store = new OrderStore(ctx.storage);
    this.#events = new OrderEvents({
      store: this.#store,
      queue: env.EVENTS,
      enabled: (order) => this.#eventsGoSomewhere(order),
      waitUntil: (promise) => ctx.waitUntil(promise),
      regKeyToken: async () => {
        const order = this.#store.loadOrder();
        return order ? regKeyTokenOf(order, readConfig(this.env).regKeyKeys) : undefined;
      },
    });
    this.#runner = new OperationRunner({
      store: this.#store,
      events: this.#events,
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

  /** The events consumer's report of one delivery attempt: journaled once, the outbox row settled. */
  async recordDelivery(report: DeliveryReport): Promise<void> {
    this.#events.record(report, Date.now());
  }

  /** The regKey this order issued was expired (the lane's report): journaled and told once. */
  async regKeyExpired(returnCode: string | undefined): Promise<void> {
    const order = this.#store.loadOrder();
    if (order) this.#merchant = (await merchantChannel(this.env, order.merchantId)).merchant;
    this.#events.regKeyExpired(returnCode, Date.now());
  }

  override async alarm(): Promise<void> {
    await this.#runner.wake();
    // Events the hand-over after their commit missed (a crash, a queue outage).
    await this.#events.handOver();
  }

  async #context(ref: OrderRef): Promise<OperationContext> {
    const config = readConfig(this.env);
    const { merchant, linePay } = await merchantChannel(this.env, ref.merchantId);
    this.#merchant = merchant;
    return { env: this.env, config, merchant, ref, linePay, now: () => Date.now() };
  }

  /**
   * Whether this order's events have a receiver: its merchant's webhook, else the global one.
   * Not knowing the merchant yet counts as yes: an event written for nobody is dropped by the
   * consumer, an event not written is lost.
   */
  #eventsGoSomewhere(order: { merchantId?: string }): boolean {
    if (readConfig(this.env).events.webhookUrl !== undefined) return true;
    if (order.merchantId === undefined) return false;
    return this.#merchant === undefined || this.#merchant.eventsWebhookUrl !== undefined;
  }
}
