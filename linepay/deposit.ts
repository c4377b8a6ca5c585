/**
 * The Partner Deposit adapter, all of it. LINE Pay never published this API's specification
 * (LINEPAY.md); this follows the public code: `POST /v1/partner-deposits`, HMAC-signed like
 * v3, body `{referenceNo, amount, currency, orderId}` (+ `phoneLast4`), its own returnCode
 * table. When a contract with LINE Pay gives the real specification, this is the module to change.
 * There is no inquiry API: a lost answer is settled by sending the same deposit again (1172
 * then means the first went through), which is the caller's to do.
 */
import { depositCategory } from "./return-codes";
import { callLinePay } from "./transport";
import { readTimeoutMs, type DepositInfo, type LinePayClientOptions, type Outcome } from "./types";

export interface DepositRequest {
  /** the gateway's id, sent as LINE Pay's orderId: the key that makes a resend safe */
  depositId: string;
  /** the recipient's 11-digit LINE Pay number */
  linePayNumber: string;
  amount: number;
  currency: string;
  /** additional authentication, when the recipient's phone is known */
  phoneLast4?: string;
}

export const DEPOSIT_PATH = "/v1/partner-deposits";

/** The wire body, in one place: the mapping most likely to change with the real spec. */
export function depositBody(request: DepositRequest): Record<string, unknown> {
  return {
    referenceNo: request.linePayNumber,
    amount: request.amount,
    currency: request.currency,
    orderId: request.depositId,
    ...(request.phoneLast4 ? { phoneLast4: request.phoneLast4 } : {}),
  };
}

export function depositApi(options: LinePayClientOptions) {
  return {
    deposit: (request: DepositRequest): Promise<Outcome<DepositInfo>> =>
      callLinePay(options, {
        operation: "deposit",
        method: "POST",
        path: DEPOSIT_PATH,
        body: depositBody(request),
        auth: "v3",
        timeoutMs: readTimeoutMs(options, "other"),
        categorize: depositCategory,
      }),
  };
}
