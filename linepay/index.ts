/** The LINE Pay client: everything the gateway needs from `linepay/`. */
export { createLinePayClient, type LinePayClient } from "./client";
export { depositBody, type DepositRequest } from "./deposit";
export { parseLinePayJson, LosslessParseError } from "./json";
export type { DetailsQuery, PreapprovedPayRequest } from "./online";
export type { PosPayRequest } from "./offline";
export { POS_PACKAGE_ID, posPayBodyV4, type OfflineApi } from "./offline-v4";
export {
  classifyReturnCode,
  depositCategory,
  describeDepositReturnCode,
  describeReturnCode,
  isRegKeyExpiringCardError,
  isRegKeyGone,
  paymentCategory,
} from "./return-codes";
export { signV3, v2Headers, v3Headers } from "./sign";
export * from "./types";
