/**
 * The shape every operation (reserve, confirm, POS pay, deposit, ...) gives the runner.
 * A flow knows LINE Pay: how to call it, what its answer means for the order, and how to
 * find out what happened when the answer was lost. The runner knows everything else:
 * fingerprints, replay, coalescing, the write-ahead record, the journal and the alarms.
 */
import type { GatewayAnswer } from "../../model/answer";
import type { OrderCommand, OrderOperation } from "../../model/commands";
import type { Config } from "../../model/config";
import type { OrderRef } from "../../model/rpc";
import type { LinePayClient } from "../../linepay/client";
import type { NewEvent, OperationRecord, OrderRecord } from "../store/order-store";

export interface FlowContext {
  env: Env;
  config: Config;
  linePay: LinePayClient;
  ref: OrderRef;
  now(): number;
}

/** LINE Pay's answer is known: the order moves, the answer is stored and replayed. */
export interface Settled {
  kind: "settled";
  order: OrderRecord;
  answer: GatewayAnswer;
  events: NewEvent[];
  /** money owed back (amount-check.ts): runs as its own operation until done */
  followUp?: { op: "compensate"; action: "refund" | "void"; reason: string };
}

/** LINE Pay says the call never took effect: the order goes back, nothing is stored. */
export interface NotApplied {
  kind: "not_applied";
  answer: GatewayAnswer;
  events: NewEvent[];
}

/** Nobody can tell yet: the order is UNKNOWN and recovery goes on by alarm. */
export interface StillUnknown {
  kind: "unknown";
  events: NewEvent[];
  /** for the first loss: "timeout" | "network" | "http" | "malformed" | "temporary" */
  lostReason?: string;
}

export type StepResult = Settled | NotApplied | StillUnknown;

export interface RecoveryPolicy {
  /** delays between checks; the last one repeats until `windowMs` has passed */
  intervalsMs: number[];
  /** how long LINE Pay advises to keep checking before a person must look */
  windowMs: number;
  /** cadence after the window: the gateway never stops asking, it only slows down */
  slowIntervalMs: number;
}

export const DEFAULT_RECOVERY: RecoveryPolicy = {
  intervalsMs: [2_000, 5_000, 10_000, 30_000, 60_000],
  windowMs: 20 * 60_000,
  slowIntervalMs: 15 * 60_000,
};

export interface OperationSpec<C extends OrderCommand = OrderCommand> {
  op: C["op"];
  /** the operation record's key: one per order for most, one per Idempotency-Key for refunds */
  key(command: C): string;
  /** what makes two requests the same one (hashed into the fingerprint) */
  params(command: C): unknown;
  /** the command as persisted for recovery: secrets and one-time codes removed */
  stored(command: C): C;
  /** refusals that need no upstream call (amount differs from the order, ...) */
  precheck?(order: OrderRecord | undefined, command: C, ctx: FlowContext): void | Promise<void>;
  /** the order while the call is in flight; a creating operation builds it here */
  begin(order: OrderRecord | undefined, command: C, ctx: FlowContext): OrderRecord;
  /** calls LINE Pay once and says what its answer means */
  perform(order: OrderRecord, command: C, ctx: FlowContext): Promise<StepResult>;
  /** asks LINE Pay what became of a call whose answer was lost */
  recover(order: OrderRecord, command: C, ctx: FlowContext, record: OperationRecord): Promise<StepResult>;
  recovery: RecoveryPolicy;
  /** the answer as stored for replay, when it holds something that must not rest in clear */
  storedAnswer?(answer: GatewayAnswer): GatewayAnswer;
  /** rebuilds a replayed answer from its stored form */
  replayAnswer?(answer: GatewayAnswer, order: OrderRecord | undefined, ctx: FlowContext): Promise<GatewayAnswer>;
}

export type AnySpec = OperationSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type SpecTable = Partial<Record<OrderOperation, AnySpec>>;
