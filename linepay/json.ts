/**
 * LINE Pay sends transactionIds as bare 19-digit JSON numbers (about 2.0e18, beyond 2^53):
 * plain JSON.parse loses their last digits. The reviver's third argument (the literal's source
 * text, supported by workerd's V8) gives the literal, so ids become exact decimal strings.
 */

/** Always strings, whatever their size: the gateway carries ids as strings everywhere. */
const ID_KEYS = new Set(["transactionId", "refundTransactionId", "originalTransactionId"]);

const INTEGER_LITERAL = /^-?\d+$/;

interface ReviverContext {
  source?: string;
}

export class LosslessParseError extends Error {
  constructor(key: string) {
    super(`cannot read the number at "${key}" without losing digits (no JSON source text)`);
    this.name = "LosslessParseError";
  }
}

/**
 * JSON.parse for LINE Pay answers: id keys become strings (already quoted ids are kept), and
 * any other integer literal beyond Number.MAX_SAFE_INTEGER becomes its exact decimal string.
 * Throws (like JSON.parse on bad input) rather than ever return a rounded id.
 */
export function parseLinePayJson(text: string): unknown {
  const reviver = function (key: string, value: unknown, context?: ReviverContext): unknown {
    if (typeof value !== "number") return value;
    const source = context?.source;
    const unsafe = !Number.isSafeInteger(value);
    if (ID_KEYS.has(key)) {
      if (source !== undefined) return source;
      if (!unsafe) return String(value);
      throw new LosslessParseError(key);
    }
    if (unsafe && Number.isInteger(value)) {
      if (source === undefined) throw new LosslessParseError(key);
      // Only plain integer literals: 1e400 or 1.5e20 stay numbers, as written.
      if (INTEGER_LITERAL.test(source)) return source;
    }
    return value;
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}
