/**
 * Authentication failures: a GatewayError (401 `unauthorized` or 403 `forbidden`) that also
 * carries the `WWW-Authenticate` challenge, which RFC 9110 §15.5.2 requires on every 401 and
 * RFC 6750 §3 uses on 403 to name the missing scope. Details are fixed sentences: they never
 * echo a credential.
 */
import { GatewayError } from "../../model/problem";

export class AuthError extends GatewayError {
  readonly challenge: string;

  constructor(code: "unauthorized" | "forbidden", detail: string, challenge: string) {
    super(code, detail, { headers: { "WWW-Authenticate": challenge } });
    this.name = "AuthError";
    this.challenge = challenge;
  }
}
