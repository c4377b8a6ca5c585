/** Money (model/money.ts): the per-currency precision rule (CONTRACT.md "Orders") and exact arithmetic. */
import { describe, expect, it } from "vitest";
import {
  addAmounts,
  decimalPlaces,
  fitsCurrency,
  sameAmount,
  subtractAmounts,
  sumAmounts,
  toMinor,
} from "../../model/money";

describe("decimalPlaces", () => {
  it.each([
    [1000, 0],
    [19.99, 2],
    [0.1, 1],
    [10.005, 3],
    [1.1, 1],
    [1e21, 0],
    [1e-7, 7],
    [1.5e-7, 8],
    [-2.25, 2],
    [0.1 + 0.2, 17],
  ])("counts the decimals of %s as %i", (x, n) => {
    expect(decimalPlaces(x)).toBe(n);
  });

  it("treats non-finite numbers as having infinitely many decimals", () => {
    expect(decimalPlaces(Infinity)).toBe(Infinity);
    expect(decimalPlaces(NaN)).toBe(Infinity);
  });
});

describe("fitsCurrency", () => {
  it("accepts whole JPY and TWD amounts only", () => {
    expect(fitsCurrency(1000, "JPY")).toBe(true);
    expect(fitsCurrency(1.5, "JPY")).toBe(false);
    expect(fitsCurrency(100, "TWD")).toBe(true);
    expect(fitsCurrency(100.1, "TWD")).toBe(false);
  });

  it("accepts up to two decimals in THB and USD", () => {
    expect(fitsCurrency(19.99, "USD")).toBe(true);
    expect(fitsCurrency(0.3, "USD")).toBe(true);
    expect(fitsCurrency(1.1, "THB")).toBe(true);
    expect(fitsCurrency(10.005, "USD")).toBe(false);
    expect(fitsCurrency(1.001, "THB")).toBe(false);
  });

  it("refuses a float artefact such as 0.1 + 0.2 instead of rounding it", () => {
    expect(fitsCurrency(0.1 + 0.2, "USD")).toBe(false);
  });

  it("refuses currencies outside the contract and non-finite amounts", () => {
    expect(fitsCurrency(100, "EUR")).toBe(false);
    expect(fitsCurrency(Infinity, "JPY")).toBe(false);
  });
});

describe("toMinor", () => {
  it("gives exact minor units for two-decimal amounts whose float product is inexact", () => {
    expect(19.99 * 100).not.toBe(1999);
    expect(toMinor(19.99, "USD")).toBe(1999n);
    expect(toMinor(1.1, "THB")).toBe(110n);
    expect(toMinor(1000, "JPY")).toBe(1000n);
    expect(toMinor(9_999_999_999.99, "USD")).toBe(999_999_999_999n);
  });
});

describe("money", () => {
  it("adds and subtracts two-decimal amounts without float drift", () => {
    expect(addAmounts(0.1, 0.2, "USD")).toBe(0.3);
    expect(subtractAmounts(10.3, 10.1, "THB")).toBe(0.2);
    expect(sumAmounts([19.99, 0.01, 5.05], "USD")).toBe(25.05);
    expect(sameAmount(0.1 + 0.2, 0.3, "USD")).toBe(true);
    expect(sameAmount(1000, 999, "JPY")).toBe(false);
  });
});
