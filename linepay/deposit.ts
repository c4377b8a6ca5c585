/**
 * The Partner Deposit adapter, all of it. LINE Pay never published this API's specification
 * (LINEPAY.md); this follows the public code: `POST /v1/partner-deposits`, HMAC-signed like
 * v3, body `{referenceNo, amount, currency, orderId}` (+ `phoneLast4`). When a contract with
 * LINE Pay gives the real specification, this module is the one to change.
 */
import { depositCategory } from "./return-codes";
import { callLinePay } from "./transport";
import { DEFAULT_TIMEOUTS_MS, type DepositInfo, type LinePayClientOptions, type Outcome } from "./types";

export interface DepositRequest {
  depositId: string;
  linePayNumber: string;
  amount: number;
  currency: string;
  phoneLast4?: string;
}

export function depositApi(options: LinePayClientOptions) {
  return {
    deposit: (request: DepositRequest): Promise<Outcome<DepositInfo>> =>
      callLinePay(options, {
        operation: "deposit",
        method: "POST",
        path: "/v1/partner-deposits",
        body: {
          referenceNo: request.linePayNumber,
          amount: request.amount,
          currency: request.currency,
          orderId: request.depositId,
          ...(request.phoneLast4 ? { phoneLast4: request.phoneLast4 } : {}),
        },
        auth: "v3",
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUTS_MS.other,
        classify: depositCategory,
      }),
  };
}
