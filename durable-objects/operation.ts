/**
 * The operation: the one contract every operation (reserve, confirm, POS pay, deposit, ... and
 * the follow-ups they leave behind) gives the runner. An operation knows LINE Pay: which order
 * states it starts from, how to call LINE Pay, what the answer means for the order, and how to
 * find out what happened when the answer was lost. The runner knows everything else:
 * fingerprints, replay, coalescing, the write-ahead record, the journal, follow-ups, alarms,
 * and the one rule for "LINE Pay shows no trace of the call" (runner.ts). Each operation is
 * declared once, in operations/, and listed in operations/registry.ts.
 */
import type { GatewayAnswer } from "../model/answer";
import type { OrderCommand } from "../model/commands";
import type { Config } from "../model/config";
import type { Merchant } from "../model/merchant";
import type { OrderRef } from "../model/rpc";
import type { LinePayClient } from "../linepay/client";
import { readTimeoutMs, type TimedCall } from "../linepay/types";
import type { NewEvent } from "./store/journal";
import type { OperationRecord, OrderRecord } from "./store/order-store";

export interface OperationContext {
  env: Env;
  config: Config;
  /** the merchant the order belongs to (its channel signs `linePay`'s calls) */
  merchant: Merchant;
  linePay: LinePayClient;
  ref: OrderRef;
  now(): number;
}

/**
 * Work an operation leaves behind once its own outcome is settled: money owed back, an amount
 * still to verify, a regKey still to hand to its lane, a reservation to watch. Each follow-up
 * is an operation record of its own, written in the commit that settles its parent (so a crash
 * cannot lose it), and done by its operation's `recover`, at once or by alarm, until it settles.
 */
export type FollowUpCommand =
  /** LINE Pay charged another amount than requested: refund it (or void the authorization) */
  | { op: "compensate"; action: "refund" | "void"; reason: string }
  /** LINE Pay's answer carried no payInfo: check the amount from payment details */
  | { op: "verifyAmount" }
  /** a PREAPPROVED confirm's regKey, sealed: its lane object must store it */
  | { op: "registerRegKey"; tid: string; jwe: string }
  /** a RESERVED order: LINE Pay's status check says when the customer is done */
  | { op: "watchReservation" };

export type FollowUpOp = FollowUpCommand["op"];

export interface FollowUp {
  command: FollowUpCommand;
  /** first look after this many ms; 0 runs it at once, before the caller is answered */
  afterMs: number;
}

/** LINE Pay's answer is known: the order moves, the answer is stored and replayed. */
export interface Settled {
  kind: "settled";
  order: OrderRecord;
  answer: GatewayAnswer;
  events: NewEvent[];
  /** work left to do, each run as its own operation until done */
  followUps?: FollowUp[];
  /** an operation to start once this is committed, as a caller would (the automatic confirm) */
  next?: OrderCommand;
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
  /**
   * An operation to start, as a caller would, while this stays open (the automatic confirm).
   * A started operation is only in memory until its own write-ahead, so a restart can lose it:
   * asked on every look, it is replayed or coalesced once started, never sent twice.
   */
  next?: OrderCommand;
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
  /** no overdue alert when the window passes (a watch, not an unknown outcome) */
  quiet?: boolean;
}

export const DEFAULT_RECOVERY: RecoveryPolicy = {
  intervalsMs: [2_000, 5_000, 10_000, 30_000, 60_000],
  windowMs: 20 * 60_000,
  slowIntervalMs: 15 * 60_000,
};

/** What the runner needs of every operation, the caller's and the follow-ups alike. */
interface RecoverableOperation<C> {
  op: string;
  /** which of LINE Pay's read timeouts its call has; recovery's "not yet" window is measured from it */
  timeout: TimedCall;
  /** asks LINE Pay what became of a call whose answer was lost (or does a follow-up's work) */
  recover(order: OrderRecord, command: C, ctx: OperationContext, record: OperationRecord): Promise<RecoverResult>;
  recovery: RecoveryPolicy;
  /** false when other operations may run while this one is open (default true) */
  blocksOthers?: boolean;
  /** false when an unfinished try leaves the order's state as it is (default true) */
  marksUnknown?: boolean;
  /** the answer as stored for replay, when it holds something that must not rest in clear */
  storedAnswer?(answer: GatewayAnswer): GatewayAnswer;
}

/** The order states an operation may start from; `NEW` is "no order yet" (a creating operation). */
export type StartState = "NEW" | OrderRecord["state"];

/** An operation a caller starts (reserve, confirm, POS pay, refund, deposit, ...). */
export interface Operation<C extends OrderCommand = OrderCommand> extends RecoverableOperation<C> {
  op: C["op"];
  /** the states it may start from; any other is answered before LINE Pay is called */
  startsFrom: readonly StartState[];
  /** the operation record's key: one per order for most (the default: its name), one per Idempotency-Key for refunds */
  key?(command: C): string;
  /** what makes two requests the same one, hashed into the fingerprint (default: the body) */
  params?(command: C): unknown;
  /** the command as persisted for recovery, secrets and one-time codes removed (default: as given) */
  stored?(command: C): C;
  /** refusals that need no upstream call (amount differs from the order, ...) */
  precheck?(order: OrderRecord | undefined, command: C, ctx: OperationContext): void | Promise<void>;
  /** the order while the call is in flight; a creating operation builds it here (default: as it is) */
  begin?(order: OrderRecord | undefined, command: C, ctx: OperationContext): OrderRecord;
  /** calls LINE Pay once and says what its answer means */
  perform(order: OrderRecord, command: C, ctx: OperationContext): Promise<PerformResult>;
  /** rebuilds a replayed answer from its stored form */
  replayAnswer?(answer: GatewayAnswer, order: OrderRecord | undefined, ctx: OperationContext): Promise<GatewayAnswer>;
}

/** Work an operation leaves behind, done by `recover` until it settles. */
export interface FollowUpOperation<C extends FollowUpCommand = FollowUpCommand> extends RecoverableOperation<C> {
  op: C["op"];
  /** its settled answer becomes the caller operation's replayed answer */
  answersForParent?: boolean;
}

export type AnyOperation = Operation<any> | FollowUpOperation<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type AnyCallerOperation = Operation<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The command of one operation, by name: what the edge sends for it (model/commands.ts). */
export type CommandOf<Op extends OrderCommand["op"]> = Extract<OrderCommand, { op: Op }>;
/** A follow-up's command, by name. */
export type FollowUpCommandOf<Op extends FollowUpCommand["op"]> = Extract<FollowUpCommand, { op: Op }>;

/** An operation's defaults, applied in one place: the runner's only way to read these fields. */
export const operationDefaults = {
  key: (op: AnyCallerOperation, command: OrderCommand): string => (op.key ? op.key(command) : op.op),
  params: (op: AnyCallerOperation, command: OrderCommand): unknown =>
    op.params ? op.params(command) : "body" in command ? command.body : {},
  stored: (op: AnyCallerOperation, command: OrderCommand): OrderCommand => (op.stored ? op.stored(command) : command),
  begin: (
    op: AnyCallerOperation,
    order: OrderRecord | undefined,
    command: OrderCommand,
    ctx: OperationContext,
  ): OrderRecord => (op.begin ? op.begin(order, command, ctx) : order!),
  readTimeoutMs: (op: AnyOperation, config: Config): number => readTimeoutMs(config.linePay, op.timeout),
};
