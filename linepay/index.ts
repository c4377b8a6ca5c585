/** The LINE Pay client: everything the gateway needs from `linepay/`. */
export { createLinePayClient, type LinePayClient } from "./client";
export { parseLinePayJson } from "./json";
export {
  classifyReturnCode,
  depositCategory,
  describeReturnCode,
  isRegKeyExpiringCardError,
  isRegKeyGone,
} from "./return-codes";
export { signV3, v2Headers, v3Headers } from "./sign";
export type * from "./types";
