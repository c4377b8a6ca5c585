import { describe, expect, it } from "vitest";
import { parseLinePayJson } from "../../linepay/json";

describe("parseLinePayJson", () => {
  it("keeps every digit of 19-digit transactionIds", () => {
    const parsed = parseLinePayJson('{"info":{"transactionId":2026112300000000001,"orderId":"A"}}') as {
      info: { transactionId: unknown };
    };
    expect(parsed.info.transactionId).toBe("2026112300000000001");
    // What plain JSON.parse would have given: the reason this module exists.
    expect(String(JSON.parse("2026112300000000001"))).not.toBe("2026112300000000001");
  });

  it("turns any integer beyond 2^53 into its exact decimal string, under any key", () => {
    const parsed = parseLinePayJson(
      '{"big":9223372036854775807,"neg":-9223372036854775808,"edge":9007199254740993,"safe":9007199254740991}',
    );
    expect(parsed).toEqual({
      big: "9223372036854775807",
      neg: "-9223372036854775808",
      edge: "9007199254740993",
      safe: 9007199254740991,
    });
  });

  it("makes the id keys strings even when they are small", () => {
    expect(parseLinePayJson('{"transactionId":12,"refundTransactionId":0,"originalTransactionId":7}')).toEqual({
      transactionId: "12",
      refundTransactionId: "0",
      originalTransactionId: "7",
    });
  });

  it("accepts ids already quoted as strings", () => {
    expect(parseLinePayJson('{"transactionId":"2026112300000000001"}')).toEqual({
      transactionId: "2026112300000000001",
    });
  });

  it("reaches ids inside arrays and nested refund lists", () => {
    const text = `{"returnCode":"0000","info":[
      {"transactionId":2026112300000000001,"orderId":"O-1","payInfo":[{"method":"BALANCE","amount":100}],
       "refundList":[{"refundTransactionId":2026112300000000002,"refundAmount":-40},{"refundTransactionId":9223372036854775807,"refundAmount":-10}]},
      {"transactionId":9223372036854775806,"originalTransactionId":2026112300000000001,"orderId":"O-2"}]}`;
    expect(parseLinePayJson(text)).toEqual({
      returnCode: "0000",
      info: [
        {
          transactionId: "2026112300000000001",
          orderId: "O-1",
          payInfo: [{ method: "BALANCE", amount: 100 }],
          refundList: [
            { refundTransactionId: "2026112300000000002", refundAmount: -40 },
            { refundTransactionId: "9223372036854775807", refundAmount: -10 },
          ],
        },
        { transactionId: "9223372036854775806", originalTransactionId: "2026112300000000001", orderId: "O-2" },
      ],
    });
  });

  it("leaves ordinary numbers, decimals and exponents as numbers", () => {
    expect(parseLinePayJson('{"amount":100,"price":12.5,"huge":1e21,"list":[1,2]}')).toEqual({
      amount: 100,
      price: 12.5,
      huge: 1e21,
      list: [1, 2],
    });
  });

  it("throws on text that is not JSON, as JSON.parse does", () => {
    expect(() => parseLinePayJson("<html>bad gateway</html>")).toThrow(SyntaxError);
  });
});
