/**
 * LINE Pay sends transactionIds as bare 19-digit JSON numbers, beyond 2^53: plain JSON.parse
 * loses their last digits. The reviver's third argument (source text, supported by workerd)
 * gives the literal, so ids become exact decimal strings.
 */

const ID_KEYS = new Set(["transactionId", "refundTransactionId", "originalTransactionId"]);

interface ReviverContext {
  source?: string;
}

export function parseLinePayJson(text: string): unknown {
  return JSON.parse(text, function (this: unknown, key: string, value: unknown, context?: ReviverContext) {
    if (typeof value !== "number") return value;
    const source = context?.source;
    if (ID_KEYS.has(key)) return source ?? String(value);
    if (!Number.isSafeInteger(value) && source !== undefined && /^-?\d+$/.test(source)) return source;
    return value;
  } as (key: string, value: unknown) => unknown);
}
