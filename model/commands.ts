/**
 * What the HTTP edge asks an order object to do, after validation. Each command is plain
 * data (it crosses an RPC boundary) and carries everything the object needs to fingerprint
 * it and call LINE Pay.
 */
import type { Money } from "./money";

/** LINE Pay v3 `POST /v3/payments/request` body, as validated by the edge. */
export interface ReserveBody extends Money {
  orderId: string;
  packages: {
    id: string;
    amount: number;
    name?: string;
    userFee?: number;
    products: {
      id?: string;
      name: string;
      imageUrl?: string;
      quantity: number;
      price: number;
      originalPrice?: number;
    }[];
  }[];
  redirectUrls: { confirmUrl: string; cancelUrl: string; appPackageName?: string; confirmUrlType?: string };
  /** the gateway's own field, never sent to LINE Pay: confirm as soon as the customer approves */
  autoConfirm?: boolean;
  options?: {
    payment?: { capture?: boolean; payType?: "NORMAL" | "PREAPPROVED" };
    display?: { locale?: string; checkConfirmUrlBrowser?: boolean };
    extra?: { branchName?: string; branchId?: string };
    [k: string]: unknown;
  };
}

export interface PosPayBody extends Money {
  productName: string;
  orderId: string;
  oneTimeKey: string;
  capture?: boolean;
  extras?: Record<string, unknown>;
  deviceProfileId?: string;
}

export interface PreapprovedPayBody extends Money {
  productName: string;
  orderId: string;
  capture?: boolean;
}

export interface DepositBody {
  depositId: string;
  linePayNumber: string;
  phoneLast4?: string;
  amount: number;
  currency: "JPY";
  message?: string;
}

export type OrderCommand =
  | { op: "reserve"; body: ReserveBody }
  | { op: "confirm"; body: Money }
  | { op: "capture"; body: Money }
  | { op: "void" }
  | { op: "refund"; idempotencyKey: string; refundAmount?: number }
  | { op: "posPay"; body: PosPayBody }
  /** `tokenId`: the token's lane (model/rpc.ts `laneName`: its merchant's prefix and the token id) */
  | { op: "preapprovedPay"; tokenId: string; body: PreapprovedPayBody }
  | { op: "deposit"; body: DepositBody; source: "api" | "webhook" };

export type OrderOperation = OrderCommand["op"];
