/**
 * LINE Pay writes transactionIds as bare 19-digit JSON numbers. The emulator holds ids as
 * strings and writes them unquoted, so clients meet the same precision trap as in production.
 */
const ID_KEYS = /"(transactionId|refundTransactionId|originalTransactionId)":"(\d+)"/g;

export function linePayJson(value: unknown): string {
  return JSON.stringify(value).replace(ID_KEYS, '"$1":$2');
}

export function envelope(returnCode: string, returnMessage: string, info?: unknown): Response {
  const body: Record<string, unknown> = { returnCode, returnMessage };
  if (info !== undefined) body.info = info;
  return new Response(linePayJson(body), {
    status: 200,
    headers: { "Content-Type": "application/json;charset=UTF-8" },
  });
}

export const success = (info?: unknown) => envelope("0000", "Success.", info);
