/** Valid request bodies for each route, to be broken one field at a time by the edge tests. */
import { reserveBody, uniqueId } from "./gateway";

export type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A valid reserve body, with top-level fields replaced by `extra`. */
export const reserve = (amount = 1000, currency = "JPY", extra: Body = {}): Body => ({
  ...reserveBody(uniqueId("order"), amount, currency),
  ...extra,
});

export const pos = (extra: Body = {}): Body => ({
  productName: "Coffee",
  amount: 450,
  currency: "JPY",
  orderId: uniqueId("pos"),
  oneTimeKey: "123456789012",
  ...extra,
});

export const deposit = (extra: Body = {}): Body => ({
  depositId: uniqueId("dep"),
  linePayNumber: "01234567890",
  amount: 1000,
  currency: "JPY",
  ...extra,
});

/** Well-formed, never issued. */
export const TOKEN = `rk_${"A".repeat(43)}`;
