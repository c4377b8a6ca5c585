/**
 * Standard Webhooks on POST /v1/webhooks/deposits: a good signature gets through to the deposit
 * object; a missing header, a stale or future timestamp, a wrong or unknown secret, or a body
 * changed by one byte is a 401 that reaches no object. Rotation is tested on verifyWebhook.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { WEBHOOK_TOLERANCE_S, verifyWebhook } from "../../functions/auth/webhook-signature";
import { signWebhook } from "../support/webhooks";
import { send, sendTrapped } from "../support/gateway";

const SECRET = () => env.DEPOSIT_WEBHOOK_SECRET.split(" ")[0]!;
const randomSecret = () => `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
const nowS = () => Math.floor(Date.now() / 1000);

function envelope(extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    type: "deposit.requested",
    data: { linePayNumber: "01234567890", amount: 1200, currency: "JPY", message: "お疲れさま", ...extra },
  });
}

interface Delivery {
  body?: string;
  id?: string;
  timestamp?: number;
  secret?: string;
  signature?: string;
  signedBody?: string;
  omit?: string;
}

async function headersFor(d: Delivery = {}) {
  const id = d.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = d.timestamp ?? nowS();
  const body = d.body ?? envelope();
  const signature = d.signature ?? (await signWebhook(d.secret ?? SECRET(), id, timestamp, d.signedBody ?? body));
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature,
  };
  if (d.omit) delete headers[d.omit];
  return { id, body, headers };
}

async function deliverTrapped(d: Delivery = {}) {
  const { body, headers } = await headersFor(d);
  return sendTrapped("/v1/webhooks/deposits", { auth: false, raw: body, method: "POST", headers });
}

describe("deposit webhook signatures", () => {
  it("lets a correctly signed delivery through to the deposit named by webhook-id", async () => {
    const { id, body, headers } = await headersFor();
    const res = await send("/v1/webhooks/deposits", { auth: false, raw: body, method: "POST", headers });
    expect([401, 400]).not.toContain(res.status);
    expect(res.status).toBe(200);
    expect(res.body.depositId).toBe(id);
  });

  it("uses data.depositId over webhook-id when the sender gives one", async () => {
    const res = await deliverTrapped({ body: envelope({ depositId: "dep-explicit-1" }) });
    expect(res.status).toBe(299);
    expect(res.touched).toEqual(["ORDERS:deposit:dep-explicit-1"]);
  });

  it("accepts a list where one of several signatures matches, ignoring other versions", async () => {
    const { body, headers } = await headersFor();
    const good = headers["webhook-signature"]!;
    headers["webhook-signature"] = `v2,${good.slice(3)} v1,${btoa("x".repeat(32))} ${good}`;
    const res = await sendTrapped("/v1/webhooks/deposits", { auth: false, raw: body, method: "POST", headers });
    expect(res.status).toBe(299);
  });

  it.each<[string, Delivery]>([
    ["a signature by an unknown secret", { secret: randomSecret() }],
    ["a garbage signature", { signature: "v1,not-base64!!" }],
    ["a signature of another version only", { signature: "v1a,AAAA v2,BBBB" }],
    ["a body changed by one byte", { body: envelope({ amount: 1300 }), signedBody: envelope({ amount: 1200 }) }],
    ["a body with one extra space", { body: `${envelope()} `, signedBody: envelope() }],
    ["a timestamp six minutes old", { timestamp: nowS() - 360 }],
    ["a timestamp six minutes ahead", { timestamp: nowS() + 360 }],
    ["a timestamp in milliseconds", { timestamp: Date.now() }],
    ["no webhook-id", { omit: "webhook-id" }],
    ["no webhook-timestamp", { omit: "webhook-timestamp" }],
    ["no webhook-signature", { omit: "webhook-signature" }],
  ])("answers 401 to %s, reaching no object", async (_name, d) => {
    const res = await deliverTrapped(d);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: "unauthorized", status: 401 });
    expect(res.headers.get("WWW-Authenticate")).toBeTruthy();
    expect(res.touched).toEqual([]);
  });

  it("checks the signature before the body: a signed but invalid envelope is a 400", async () => {
    const res = await deliverTrapped({ body: envelope({ linePayNumber: "123" }) });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain("data.linePayNumber");
    const wrongType = await deliverTrapped({ body: JSON.stringify({ type: "deposit.cancelled", data: {} }) });
    expect(wrongType.status).toBe(400);
    expect(wrongType.touched).toEqual([]);
  });

  it("answers an unsigned but invalid envelope with 401, not 400", async () => {
    const res = await deliverTrapped({ body: "{not json", signature: "v1,AAAA" });
    expect(res.status).toBe(401);
  });
});

describe("verifyWebhook", () => {
  const body = new TextEncoder().encode(envelope());
  const text = new TextDecoder().decode(body);

  async function headers(secret: string, timestamp: number, id = "msg_1") {
    return new Headers({
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": await signWebhook(secret, id, timestamp, text),
    });
  }

  it("accepts a signature under the second of two secrets (rotation)", async () => {
    const [oldSecret, newSecret] = [randomSecret(), randomSecret()];
    const ts = nowS();
    await expect(verifyWebhook(await headers(newSecret, ts), body, [oldSecret, newSecret])).resolves.toEqual({
      id: "msg_1",
      timestamp: ts,
    });
    await expect(verifyWebhook(await headers(oldSecret, ts), body, [oldSecret, newSecret])).resolves.toBeTruthy();
    await expect(verifyWebhook(await headers(randomSecret(), ts), body, [oldSecret, newSecret])).rejects.toMatchObject({
      code: "unauthorized",
    });
  });

  it("skips a secret that does not decode instead of failing", async () => {
    const good = randomSecret();
    await expect(verifyWebhook(await headers(good, nowS()), body, ["whsec_%%%", good])).resolves.toBeTruthy();
  });

  it("allows exactly five minutes of skew either way, and no more", async () => {
    const secret = randomSecret();
    const ts = 1_800_000_000;
    const h = await headers(secret, ts);
    for (const skew of [-WEBHOOK_TOLERANCE_S, WEBHOOK_TOLERANCE_S]) {
      await expect(verifyWebhook(h, body, [secret], (ts + skew) * 1000)).resolves.toBeTruthy();
    }
    for (const skew of [-WEBHOOK_TOLERANCE_S - 1, WEBHOOK_TOLERANCE_S + 1]) {
      await expect(verifyWebhook(h, body, [secret], (ts + skew) * 1000)).rejects.toMatchObject({
        code: "unauthorized",
      });
    }
  });

  it("refuses everything when no secret is given", async () => {
    const secret = randomSecret();
    await expect(verifyWebhook(await headers(secret, nowS()), body, [])).rejects.toMatchObject({
      code: "unauthorized",
    });
  });
});
