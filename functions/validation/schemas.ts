/**
 * Request schemas for every route (valibot). They validate requests at the edge and are the
 * source of the OpenAPI document (openapi.ts), so the two cannot disagree. Bodies defined by
 * the contract are strict (an unknown field is an error, not silently dropped); LINE Pay's
 * own `options` and `extras` pass through, bounded in size.
 */
import * as v from "valibot";
import { CURRENCIES } from "../../model/order";
import { fitsCurrency, toMinor } from "./amounts";

const PRINTABLE = /^[\x20-\x7e]+$/;
const text = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
const httpUrl = v.pipe(v.string(), v.maxLength(2048), v.url(), v.regex(/^https?:\/\//i, "must be an http(s) URL"));

export const OrderIdSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(100),
  v.regex(PRINTABLE, "printable ASCII only"),
);
export const CurrencySchema = v.picklist(CURRENCIES, "must be one of JPY, TWD, THB, USD");
export const AmountSchema = v.pipe(
  v.number(),
  v.finite(),
  v.gtValue(0, "must be positive"),
  v.maxValue(10_000_000_000),
);
export const IdempotencyKeySchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(255),
  v.regex(PRINTABLE, "printable ASCII only"),
);

const DECIMALS_MESSAGE = "too many decimals for the currency (JPY and TWD: none; THB and USD: two)";

export const MoneySchema = v.pipe(
  v.strictObject({ amount: AmountSchema, currency: CurrencySchema }),
  v.forward(
    v.check((m) => fitsCurrency(m.amount, m.currency), DECIMALS_MESSAGE),
    ["amount"],
  ),
);

const ProductSchema = v.strictObject({
  id: v.optional(text(50)),
  name: text(4000),
  imageUrl: v.optional(httpUrl),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
  price: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(10_000_000_000)),
  originalPrice: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
});

const PackageSchema = v.strictObject({
  id: text(50),
  amount: AmountSchema,
  name: v.optional(text(100)),
  userFee: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  products: v.pipe(v.array(ProductSchema), v.minLength(1), v.maxLength(100)),
});

const OptionsSchema = v.looseObject({
  payment: v.optional(
    v.looseObject({ capture: v.optional(v.boolean()), payType: v.optional(v.picklist(["NORMAL", "PREAPPROVED"])) }),
  ),
  display: v.optional(v.looseObject({ locale: v.optional(text(10)), checkConfirmUrlBrowser: v.optional(v.boolean()) })),
  extra: v.optional(v.looseObject({ branchName: v.optional(text(200)), branchId: v.optional(text(200)) })),
});

type Reserve = {
  amount: number;
  currency: string;
  packages: { amount: number; products: { price: number; quantity: number }[] }[];
};

/** LINE Pay refuses (2101) a request whose package and product sums disagree: catch it here. */
function sumsAgree(r: Reserve): boolean {
  const c = r.currency;
  const packages = r.packages.reduce((s, p) => s + toMinor(p.amount, c), 0);
  const productsFit = r.packages.every(
    (p) => p.products.reduce((s, x) => s + toMinor(x.price, c) * x.quantity, 0) === toMinor(p.amount, c),
  );
  return packages === toMinor(r.amount, c) && productsFit;
}

export const ReserveSchema = v.pipe(
  v.strictObject({
    amount: AmountSchema,
    currency: CurrencySchema,
    orderId: OrderIdSchema,
    packages: v.pipe(v.array(PackageSchema), v.minLength(1), v.maxLength(50)),
    redirectUrls: v.strictObject({
      confirmUrl: httpUrl,
      cancelUrl: httpUrl,
      appPackageName: v.optional(text(200)),
      confirmUrlType: v.optional(v.picklist(["CLIENT", "SERVER", "NONE"])),
    }),
    options: v.optional(OptionsSchema),
  }),
  v.forward(
    v.check((m) => fitsCurrency(m.amount, m.currency), DECIMALS_MESSAGE),
    ["amount"],
  ),
  v.forward(
    v.check(
      (r) => sumsAgree(r),
      "amount must equal the sum of packages[].amount, and each package amount the sum of price × quantity",
    ),
    ["packages"],
  ),
);

/** void takes no parameters: an empty body or `{}`. */
export const VoidSchema = v.strictObject({});

export const RefundSchema = v.strictObject({ refundAmount: v.optional(AmountSchema) });

export const PosPaySchema = v.pipe(
  v.strictObject({
    productName: text(4000),
    amount: AmountSchema,
    currency: CurrencySchema,
    orderId: OrderIdSchema,
    oneTimeKey: v.pipe(
      v.string(),
      v.regex(/^(\d{12}|\d{18}|\d{19})$/, "must be the 12, 18 or 19 digits of the customer's My Code"),
    ),
    capture: v.optional(v.boolean()),
    extras: v.optional(v.record(v.string(), v.unknown())),
    deviceProfileId: v.optional(v.pipe(text(100), v.regex(PRINTABLE, "printable ASCII only"))),
  }),
  v.forward(
    v.check((m) => fitsCurrency(m.amount, m.currency), DECIMALS_MESSAGE),
    ["amount"],
  ),
);

export const PreapprovedPaySchema = v.pipe(
  v.strictObject({
    productName: text(4000),
    amount: AmountSchema,
    currency: CurrencySchema,
    orderId: OrderIdSchema,
    capture: v.optional(v.boolean()),
  }),
  v.forward(
    v.check((m) => fitsCurrency(m.amount, m.currency), DECIMALS_MESSAGE),
    ["amount"],
  ),
);

const depositFields = {
  linePayNumber: v.pipe(v.string(), v.regex(/^\d{11}$/, "must be exactly 11 digits")),
  phoneLast4: v.optional(v.pipe(v.string(), v.regex(/^\d{4}$/, "must be exactly 4 digits"))),
  amount: v.pipe(
    v.number(),
    v.integer("must be a whole number of yen"),
    v.gtValue(0, "must be positive"),
    v.maxValue(100_000_000),
  ),
  currency: v.literal("JPY", "deposits are in JPY only"),
  message: v.optional(v.pipe(v.string(), v.maxLength(100))),
};

export const DepositSchema = v.strictObject({ depositId: OrderIdSchema, ...depositFields });

export const DepositWebhookSchema = v.looseObject({
  type: v.literal("deposit.requested", 'only "deposit.requested" is handled'),
  data: v.strictObject({ depositId: v.optional(OrderIdSchema), ...depositFields }),
});

export type ReserveInput = v.InferOutput<typeof ReserveSchema>;
