/**
 * The request schema of every route (CONTRACT.md), in one place: the edge validates with them
 * and openapi.ts documents them, so the two cannot disagree. Bodies the contract defines are
 * strict (an unknown field is a 400 naming it: silently dropping it would hide a client bug,
 * such as a misspelt `capture`); LINE Pay's own `options` and `extras` pass through, bounded.
 *
 * The output types are checked against model/commands.ts below, so a schema and the command
 * handed to the order object cannot drift apart.
 */
import * as v from "valibot";
import type { DepositBody, PosPayBody, PreapprovedPayBody, ReserveBody } from "../../model/commands";
import type { Money } from "../../model/money";
import {
  AmountSchema,
  CurrencySchema,
  DepositIdSchema,
  OrderIdSchema,
  amountsFitCurrency,
  boundedJson,
  printable,
  text,
} from "./fields";
import { ReserveSchema } from "./reserve";

export {
  DepositIdSchema,
  IdempotencyKeySchema,
  OrderIdSchema,
  RegKeyTokenSchema,
  CurrencySchema,
  AmountSchema,
} from "./fields";
export { ReserveSchema };

/** confirm and capture: LINE Pay wants the amount and currency again (1153 / 1184 if they differ). */
export const MoneySchema = v.pipe(
  v.strictObject({ amount: AmountSchema, currency: CurrencySchema }),
  amountsFitCurrency("amount"),
);

/** void has no parameters: an empty body or `{}`. */
export const VoidSchema = v.strictObject({});

/**
 * refund: the order's currency lives in the order object, which checks the decimals for it;
 * here only "positive, at most two decimals".
 */
export const RefundSchema = v.strictObject({ refundAmount: v.optional(AmountSchema) });

/** LINE Pay's My Code: 12 digits (TH, global), 18 (TW) or 19 (JP). */
export const OneTimeKeySchema = v.pipe(
  v.string("must be a string of digits"),
  v.regex(/^(?:\d{12}|\d{18}|\d{19})$/, "must be 12, 18 or 19 digits"),
);

export const PosPaySchema = v.pipe(
  v.strictObject({
    productName: text(4000),
    amount: AmountSchema,
    currency: CurrencySchema,
    orderId: OrderIdSchema,
    oneTimeKey: OneTimeKeySchema,
    capture: v.optional(v.boolean()),
    extras: v.optional(v.pipe(v.record(v.string(), v.unknown()), boundedJson(4096))),
    deviceProfileId: v.optional(printable(100)),
  }),
  amountsFitCurrency("amount"),
);

export const PreapprovedPaySchema = v.pipe(
  v.strictObject({
    productName: text(4000),
    amount: AmountSchema,
    currency: CurrencySchema,
    orderId: OrderIdSchema,
    capture: v.optional(v.boolean()),
  }),
  amountsFitCurrency("amount"),
);

const depositFields = {
  linePayNumber: v.pipe(v.string("must be a string of digits"), v.regex(/^\d{11}$/, "must be 11 digits")),
  phoneLast4: v.optional(v.pipe(v.string("must be a string of digits"), v.regex(/^\d{4}$/, "must be 4 digits"))),
  amount: v.pipe(AmountSchema, v.integer("must be a whole number of yen")),
  currency: v.literal("JPY", "deposits are in JPY only"),
  message: v.optional(v.pipe(v.string(), v.maxLength(100, "at most 100 characters"))),
};

export const DepositSchema = v.strictObject({ depositId: DepositIdSchema, ...depositFields });

/**
 * A Standard Webhooks envelope. The envelope is loose (senders add `timestamp` and the like);
 * `data` is strict like the API body, with `depositId` defaulting to the `webhook-id` header.
 */
export const DepositWebhookSchema = v.looseObject({
  type: v.literal("deposit.requested", 'only "deposit.requested" is handled'),
  data: v.strictObject({ depositId: v.optional(DepositIdSchema), ...depositFields }),
});

// Compile-time: what the schemas produce is what the commands carry.
type Assignable<T, U extends T> = U;
export type SchemaOutputsMatchCommands = [
  Assignable<ReserveBody, v.InferOutput<typeof ReserveSchema>>,
  Assignable<Money, v.InferOutput<typeof MoneySchema>>,
  Assignable<PosPayBody, v.InferOutput<typeof PosPaySchema>>,
  Assignable<PreapprovedPayBody, v.InferOutput<typeof PreapprovedPaySchema>>,
  Assignable<DepositBody, v.InferOutput<typeof DepositSchema>>,
];
