import { describe, expect, it } from "vitest";
import {
  classifyReturnCode,
  depositCategory,
  describeDepositReturnCode,
  describeReturnCode,
  isRegKeyExpiringCardError,
  isRegKeyGone,
} from "../../linepay/return-codes";

const codes = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe("classifyReturnCode", () => {
  it.each(["1101", "1102", "1110", "1133", "1141", "1142", "1154", "1170", ...codes(1280, 1296), "1298"])(
    "declines %s (the customer's side)",
    (code) => {
      expect(classifyReturnCode(code)).toBe("declined");
    },
  );

  it.each(["1172", "1197"])("calls %s a duplicate", (code) => {
    expect(classifyReturnCode(code)).toBe("duplicate");
  });

  // 1145 (in process) and 1198 (concurrent call) are not refusals: the call may be running.
  it.each(["1145", "1198", "1199", ...codes(1900, 1909), "9000"])("calls %s temporary", (code) => {
    expect(classifyReturnCode(code)).toBe("temporary");
  });

  it.each([
    "1104",
    "1105",
    "1106",
    "1124",
    "1150",
    "1152",
    "1153",
    "1155",
    "1159",
    "1163",
    "1164",
    "1165",
    "1169",
    "1177",
    "1178",
    "1179",
    "1180",
    "1183",
    "1184",
    "1190",
    "1193",
    "1194",
    "2101",
    "2102",
    "1999", // the retry differed: refused as sent, not temporary
    "1297", // not a card code
    "1910",
    "4242",
    "HTTP_404",
    "", // unknown
  ])("refuses %s", (code) => {
    expect(classifyReturnCode(code)).toBe("refused");
  });

  it("answers success for the operation's success set only", () => {
    expect(classifyReturnCode("0000")).toBe("success");
    expect(classifyReturnCode("0110")).toBe("refused");
    expect(classifyReturnCode("0110", ["0000", "0110"])).toBe("success");
    expect(classifyReturnCode("0000", ["0110"])).toBe("refused");
  });
});

describe("describeReturnCode", () => {
  it("gives short meanings from LINEPAY.md", () => {
    expect(describeReturnCode("1104")).toMatch(/merchant not found/);
    expect(describeReturnCode("1287")).toBe("card expired");
    expect(describeReturnCode("1288")).toMatch(/insufficient funds/);
    expect(describeReturnCode("1285")).toBe("card error");
    expect(describeReturnCode("1905")).toMatch(/retry later/);
    expect(describeReturnCode("1999")).toMatch(/differs/);
    expect(describeReturnCode("1297")).toBe("unknown return code");
  });
});

describe("regKey helpers", () => {
  it("expires the regKey on 1281-1287 and 1290-1294 only", () => {
    const expiring = [...codes(1280, 1299)].filter(isRegKeyExpiringCardError);
    expect(expiring).toEqual([...codes(1281, 1287), ...codes(1290, 1294)]);
    expect(isRegKeyExpiringCardError(" 1281")).toBe(false);
  });

  it("knows 1190 and 1193 mean the regKey is gone", () => {
    expect(["1190", "1193", "1197", "1194"].filter(isRegKeyGone)).toEqual(["1190", "1193"]);
  });
});

describe("depositCategory (Partner Deposit's own table)", () => {
  it.each([
    ["1101", "declined"],
    ["1102", "declined"],
    ["1108", "declined"],
    ["1136", "declined"],
    ["1162", "declined"],
    ["1142", "refused"], // the merchant's depositable balance, unlike 1142 for payments
    ["1124", "refused"],
    ["1178", "refused"],
    ["1183", "refused"],
    ["1184", "refused"],
    ["1172", "duplicate"],
    ["1198", "temporary"],
    ["1199", "temporary"],
    ["9000", "temporary"],
    ["1905", "temporary"], // the contract's temporary codes hold for every operation
    ["1145", "temporary"],
    ["2101", "refused"],
  ])("puts %s in %s", (code, category) => {
    expect(depositCategory(code)).toBe(category);
  });

  it("has its own meanings", () => {
    expect(describeDepositReturnCode("1142")).toMatch(/merchant/);
    expect(describeReturnCode("1142")).not.toMatch(/merchant/);
  });
});
