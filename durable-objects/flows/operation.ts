/**
 * The shape every operation (reserve, confirm, POS pay, deposit, ...) gives the runner.
 * A flow knows LINE Pay: how to call it, what its answer means for the order, and how to
 * find out what happened when the answer was lost. The runner knows everything else:
 * fingerprints, replay, coalescing, the write-ahead record, the journal, follow-ups, alarms,
 * and the one rule for "LINE Pay shows no trace of the call" (runner.ts).
 */
import type { GatewayAnswer } from "../../model/answer";
import type { OrderCommand } from "../../model/commands";
import type { Config } from "../../model/config";
import type { OrderRef } from "../../model/rpc";
import type { LinePayClient } from "../../linepay/client";
import type { NewEvent, OperationRecord, OrderRecord } from "../store/order-store";
import type { FollowUp, FollowUpCommand } from "./follow-ups";

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
  /** work left to do, each run as its own operation until done (follow-ups.ts) */
  followUps?: FollowUp[];
}

/**
 * LINE Pay definitely did not act on the call: the order goes back (to `order` when given,
 * else to its state before the call) and nothing is stored, so a retry is a fresh operation.
 */
export interface NotApplied {
  kind: "not_applied";
  answer: GatewayAnswer;
  events: NewEvent[];
  order?: OrderRecord;
}

/** Nobody can tell yet: recovery goes on by alarm. */
export interface StillUnknown {
  kind: "unknown";
  events: NewEvent[];
  /** for the first loss: "timeout" | "network" | "http" | "malformed" | "temporary" | ... */
  lostReason?: string;
  /** when the call really went out, when that is later than the write-ahead (a regKey lane) */
  sentAt?: number;
}

/**
 * After a lost answer LINE Pay shows no trace of the call. That means "not yet" while the call
 * may still be running at LINE Pay (its read timeout plus a grace, from when it was sent): the
 * runner keeps the outcome unknown until then, and only afterwards applies `ifNeverHappened`.
 */
export interface NotSeen {
  kind: "not_seen";
  events: NewEvent[];
  ifNeverHappened: Settled | NotApplied;
  /** when the call really went out, if the flow learned it (a regKey lane) */
  sentAt?: number;
}

/** What a first call can end in: a refusal may be definitive, a loss never is. */
export type PerformResult = Settled | NotApplied | StillUnknown;
/** What a look after a lost answer can end in: never "did not happen" except through NotSeen. */
export type RecoverResult = Settled | StillUnknown | NotSeen;

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

/** What the runner needs of every operation, the caller's and the follow-ups alike. */
interface RecoverableSpec<C> {
  op: string;
  /** LINE Pay's read timeout for this operation's call; recovery's window is measured from it */
  readTimeoutMs(config: Config): number;
  /** asks LINE Pay what became of a call whose answer was lost (or does a follow-up's work) */
  recover(order: OrderRecord, command: C, ctx: FlowContext, record: OperationRecord): Promise<RecoverResult>;
  recovery: RecoveryPolicy;
  /** false when other operations may run while this one is open (default true) */
  blocksOthers?: boolean;
  /** false when an unfinished try leaves the order's state as it is (default true) */
  marksUnknown?: boolean;
  /** the answer as stored for replay, when it holds something that must not rest in clear */
  storedAnswer?(answer: GatewayAnswer): GatewayAnswer;
}

/** An operation a caller starts (reserve, confirm, POS pay, refund, deposit, ...). */
export interface OperationSpec<C extends OrderCommand = OrderCommand> extends RecoverableSpec<C> {
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
  perform(order: OrderRecord, command: C, ctx: FlowContext): Promise<PerformResult>;
  /** rebuilds a replayed answer from its stored form */
  replayAnswer?(answer: GatewayAnswer, order: OrderRecord | undefined, ctx: FlowContext): Promise<GatewayAnswer>;
}

/** Work an operation leaves behind (follow-ups.ts), done by `recover` until it settles. */
export interface FollowUpSpec<C extends FollowUpCommand = FollowUpCommand> extends RecoverableSpec<C> {
  op: C["op"];
  /** its settled answer becomes the caller operation's replayed answer */
  answersForParent?: boolean;
}

export type AnySpec = OperationSpec<any> | FollowUpSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type AnyOperationSpec = OperationSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
