/**
 * The CPU work of one POS pay outside the storage and network the bench measures (bench/cpu.mjs
 * bundles this for Node and times each step over many runs): the gateway's own functions, as
 * the request runs them.
 */
import { SignJWT } from "jose";
import { verifyCallerToken } from "../functions/auth/caller-jwt";
import { PosPaySchema } from "../functions/validation/schemas";
import { parseJsonObject, validate } from "../functions/validation/request-input";
import { fingerprint } from "../durable-objects/fingerprint";
import { parseLinePayJson } from "../linepay/json";

export async function steps(): Promise<Record<string, () => unknown>> {
  const secret = new TextEncoder().encode("bench-secret-bench-secret-bench-secret-32");
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const token = await new SignJWT({ scope: "pos" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience("linepay-gateway")
    .setExpirationTime("1h")
    .sign(secret);
  const body = JSON.stringify({
    productName: "Coffee",
    amount: 85,
    currency: "TWD",
    orderId: "bench-cpu-1",
    oneTimeKey: "2876543210987654321",
  });
  // As LINE Pay sends it: the 19-digit id as a bare number.
  const answer =
    '{"returnCode":"0000","returnMessage":"OK","info":{"transactionId":2026000000151297327,' +
    '"orderId":"bench-cpu-1","payInfo":[{"method":"BALANCE","amount":85}]}}';
  const params = validate(PosPaySchema, parseJsonObject(body));
  return {
    "caller JWT (HS256, key imported once)": () =>
      verifyCallerToken(token, { secret: key }, "linepay-gateway", ["pos"]),
    "body: JSON and the POS schema": () => validate(PosPaySchema, parseJsonObject(body)),
    "fingerprint (canonical JSON, SHA-256)": () => fingerprint(params),
    "LINE Pay answer (lossless 19-digit ids)": () => parseLinePayJson(answer),
  };
}
