/**
 * The online reserve body: LINE Pay v3 `POST /v3/payments/request` as the caller sends it.
 * Strict where LINE Pay defines the shape (an unknown field is a client bug to report, not to
 * drop); `options` passes through, bounded, because LINE Pay keeps adding to it.
 *
 * LINE Pay refuses a request whose sums disagree (2101): `amount = Σ packages[].amount +
 * Σ packages[].userFee + options.shipping.feeAmount`, and each package's `amount = Σ price ×
 * quantity`. Checking here turns an opaque upstream 502 into a 400 that names the field.
 */
import * as v from "valibot";
import { fitsCurrency, toMinor } from "../../model/money";
import {
  AmountSchema,
  CurrencySchema,
  HttpUrlSchema,
  OrderIdSchema,
  PriceSchema,
  boundedJson,
  decimalsMessage,
  pathTo,
  text,
} from "./fields";

const ProductSchema = v.strictObject({
  id: v.optional(text(50)),
  name: text(4000),
  imageUrl: v.optional(HttpUrlSchema),
  quantity: v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(1), v.maxValue(1_000_000)),
  price: PriceSchema,
  originalPrice: v.optional(PriceSchema),
});

const PackageSchema = v.strictObject({
  id: text(50),
  amount: AmountSchema,
  name: v.optional(text(100)),
  userFee: v.optional(PriceSchema),
  products: v.pipe(v.array(ProductSchema), v.minLength(1, "at least one product"), v.maxLength(100)),
});

const OptionsSchema = v.pipe(
  v.looseObject({
    payment: v.optional(
      v.looseObject({
        capture: v.optional(v.boolean()),
        payType: v.optional(v.picklist(["NORMAL", "PREAPPROVED"], "must be NORMAL or PREAPPROVED")),
      }),
    ),
    display: v.optional(
      v.looseObject({ locale: v.optional(text(10)), checkConfirmUrlBrowser: v.optional(v.boolean()) }),
    ),
    shipping: v.optional(v.looseObject({ feeAmount: v.optional(PriceSchema) })),
    extra: v.optional(v.looseObject({ branchName: v.optional(text(200)), branchId: v.optional(text(200)) })),
  }),
  boundedJson(8192),
);

type ReserveShape = v.InferOutput<typeof ReserveObjectSchema>;

const ReserveObjectSchema = v.strictObject({
  amount: AmountSchema,
  currency: CurrencySchema,
  orderId: OrderIdSchema,
  packages: v.pipe(v.array(PackageSchema), v.minLength(1, "at least one package"), v.maxLength(50)),
  redirectUrls: v.strictObject({
    confirmUrl: HttpUrlSchema,
    cancelUrl: HttpUrlSchema,
    appPackageName: v.optional(text(200)),
    confirmUrlType: v.optional(v.picklist(["CLIENT", "SERVER", "NONE"], "must be CLIENT, SERVER or NONE")),
  }),
  options: v.optional(OptionsSchema),
});

/**
 * Every amount fits the currency, then the sums agree. Skipped while any field has a problem
 * (valibot still runs object checks then): sums of refused values only mislead.
 */
const reserveAmountsAgree = v.rawCheck<ReserveShape>(({ dataset, addIssue }) => {
  if (!dataset.typed || dataset.issues) return;
  const r = dataset.value;
  const c = r.currency;
  const message = decimalsMessage(c);
  let fit = true;
  const need = (ok: boolean, ...keys: (string | number)[]) => {
    if (!ok) {
      fit = false;
      addIssue({ message, path: pathTo(r, ...keys) });
    }
  };
  need(fitsCurrency(r.amount, c), "amount");
  r.packages.forEach((p, i) => {
    need(fitsCurrency(p.amount, c), "packages", i, "amount");
    if (p.userFee !== undefined) need(fitsCurrency(p.userFee, c), "packages", i, "userFee");
    p.products.forEach((x, j) => need(fitsCurrency(x.price, c), "packages", i, "products", j, "price"));
  });
  const shippingFee = r.options?.shipping?.feeAmount;
  if (shippingFee !== undefined) need(fitsCurrency(shippingFee, c), "options", "shipping", "feeAmount");
  if (!fit) return;

  let total = toMinor(shippingFee ?? 0, c);
  r.packages.forEach((p, i) => {
    total += toMinor(p.amount, c) + toMinor(p.userFee ?? 0, c);
    const products = p.products.reduce((s, x) => s + toMinor(x.price, c) * BigInt(x.quantity), 0n);
    if (products !== toMinor(p.amount, c)) {
      addIssue({
        message: "must equal the sum of products[].price × quantity",
        path: pathTo(r, "packages", i, "amount"),
      });
    }
  });
  if (total !== toMinor(r.amount, c)) {
    addIssue({
      message: "must equal the sum of packages[].amount, packages[].userFee and options.shipping.feeAmount",
      path: pathTo(r, "amount"),
    });
  }
});

export const ReserveSchema = v.pipe(ReserveObjectSchema, reserveAmountsAgree);
