/**
 * The egress relay of deploy/relay/, end to end: the real `npm start` stack with the gateway's
 * LINEPAY_API_BASE at the relay, nginx running the template as render.sh renders it, and behind
 * it a stand-in for api-pay.line.me (a second nginx server with its own certificate, in front of
 * the LINE Pay sandbox):
 *
 *   gateway (workerd) --TLS, test CA--> relay --TLS, certificate verified--> "LINE Pay" --> sandbox
 *
 * The sandbox answers 1104 to a v3 signature that does not verify, so a reserve and confirm that
 * succeed through the relay show it forwards path, body and headers unchanged; a v2 POS payment
 * and a Partner Deposit go the same way, each reaching the sandbox exactly once. The relay turns
 * away a request without its key, or with another, and sends nothing to an upstream whose
 * certificate does not verify. (workerd trusts the test CA through NODE_EXTRA_CA_CERTS, which
 * Miniflare hands to workerd.) Not part of `npm test`: it needs Debian's nginx (`npm run test:relay`).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startStack, type Stack } from "../browser/stack";
import { findNginx, httpsRequest, makeCertificates, renderRelay, startNginx, type Nginx } from "./relay-setup";

const dir = mkdtempSync(join(tmpdir(), "linepay-relay-"));
const certs = join(dir, "certs");
const KEY = randomBytes(24).toString("hex");
const LINEPAY_NAME = "api-pay.line.test";

let stack: Stack;
let relay: Nginx;
let untrusting: Nginx;
let relayUrl: string;
let untrustingUrl: string;

beforeAll(async () => {
  findNginx();
  makeCertificates(certs, "relay", { relay: "IP:127.0.0.1,DNS:localhost", linepay: `DNS:${LINEPAY_NAME}` });
  makeCertificates(certs, "other", {});
  const base = await freePorts();
  const nginxBase = await freePorts();
  const ports = { relay: nginxBase, linepay: nginxBase + 1, untrusting: nginxBase + 2 };
  const settings = (listen: number, upstreamCa: string, log: string) => ({
    RELAY_KEY: KEY,
    RELAY_SERVER_NAME: "localhost",
    RELAY_LISTEN: `127.0.0.1:${listen}`,
    RELAY_CERT: join(certs, "relay.pem"),
    RELAY_CERT_KEY: join(certs, "relay.key"),
    RELAY_UPSTREAM_ADDRESS: `127.0.0.1:${ports.linepay}`,
    RELAY_UPSTREAM_NAME: LINEPAY_NAME,
    RELAY_UPSTREAM_CA: upstreamCa,
    RELAY_ACCESS_LOG: log,
  });
  // The stand-in for LINE Pay: TLS under its own name, then the sandbox.
  const linepay = `server {
  listen 127.0.0.1:${ports.linepay} ssl;
  server_name ${LINEPAY_NAME};
  ssl_certificate ${join(certs, "linepay.pem")};
  ssl_certificate_key ${join(certs, "linepay.key")};
  access_log ${dir}/relay/logs/linepay.log;
  location / { proxy_pass http://127.0.0.1:${base + 1}; }
}
`;
  relay = await startNginx(
    join(dir, "relay"),
    renderRelay(settings(ports.relay, join(certs, "relay-ca.pem"), `${dir}/relay/logs/relay.log`)) + linepay,
    [ports.relay, ports.linepay],
  );
  // A second relay that trusts another CA: LINE Pay's certificate does not verify for it.
  untrusting = await startNginx(
    join(dir, "untrusting"),
    renderRelay(settings(ports.untrusting, join(certs, "other-ca.pem"), `${dir}/untrusting/logs/relay.log`)),
    [ports.untrusting],
  );
  relayUrl = `https://127.0.0.1:${ports.relay}`;
  untrustingUrl = `https://127.0.0.1:${ports.untrusting}`;
  stack = await startStack({
    base,
    env: { LINEPAY_API_BASE: `${relayUrl}/${KEY}`, NODE_EXTRA_CA_CERTS: join(certs, "relay-ca.pem") },
  });
}, 150_000);

afterAll(async () => {
  await stack?.stop();
  await relay?.stop();
  await untrusting?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function gateway(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const token = await new SignJWT({ scope: "payments pos deposits" })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience("linepay-gateway")
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(stack.info.jwtSecret));
  const res = await fetch(`${stack.info.gateway}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function sandbox<T>(path: string, method = "GET"): Promise<T> {
  const res = await fetch(`${stack.info.sandbox}${path}`, { method });
  expect(res.ok, `sandbox ${path}`).toBe(true);
  return (await res.json()) as T;
}
const calls = async (orderId: string) =>
  (await sandbox<{ calls: Record<string, number> }>(`/__sandbox/calls?orderId=${encodeURIComponent(orderId)}`)).calls;

const run = Date.now().toString(36);

describe("the gateway through the relay", () => {
  it("reserves and confirms over TLS both ways: the v3 signatures still verify", async () => {
    const orderId = `relay-${run}-1`;
    const reserved = await gateway("POST", "/v1/payments", {
      amount: 500,
      currency: "TWD",
      orderId,
      packages: [{ id: "p1", amount: 500, products: [{ name: "Oolong", quantity: 2, price: 250 }] }],
      redirectUrls: { confirmUrl: "https://shop.example/confirm", cancelUrl: "https://shop.example/cancel" },
    });
    expect(reserved.status, JSON.stringify(reserved.body)).toBe(201);
    expect(reserved.body).toMatchObject({ state: "RESERVED", transactionId: expect.stringMatching(/^\d{19}$/) });
    await sandbox(`/__sandbox/reservations/${String(reserved.body.transactionId)}/approve`, "POST");
    const confirmed = await gateway("POST", `/v1/payments/${orderId}/confirm`, { amount: 500, currency: "TWD" });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ state: "CAPTURED", payInfo: [{ amount: 500 }] });
    expect(await calls(orderId)).toMatchObject({ request: 1, confirm: 1 });

    // Both calls went through the relay, which logged their API paths, and never its key.
    const log = relay.log("relay.log");
    expect(log).toMatch(/POST \/v3\/payments\/request 200 /);
    expect(log).toContain(`POST /v3/payments/${String(reserved.body.transactionId)}/confirm 200 `);
    expect(log).not.toContain(KEY);
    expect(relay.log("linepay.log")).toContain("/v3/payments/request");
  });

  it("pays at a POS (Offline v2 headers) and sends a Partner Deposit through it, each once", async () => {
    const orderId = `relay-${run}-pos`;
    const { oneTimeKey } = await sandbox<{ oneTimeKey: string }>("/__sandbox/one-time-keys", "POST");
    const paid = await gateway("POST", "/v1/pos/payments", {
      productName: "Coffee",
      amount: 85,
      currency: "TWD",
      orderId,
      oneTimeKey,
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ state: "CAPTURED" });
    expect((await calls(orderId))["pos.pay"]).toBe(1);

    const depositId = `relay-${run}-dep`;
    const deposit = await gateway("POST", "/v1/deposits", {
      depositId,
      linePayNumber: "09012345678",
      amount: 3000,
      currency: "JPY",
    });
    expect(deposit.status, JSON.stringify(deposit.body)).toBe(200);
    expect(deposit.body).toMatchObject({ state: "COMPLETED" });
    expect(relay.log("relay.log")).toMatch(/POST \/v1\/partner-deposits 200 /);
  });
});

describe("the relay itself", () => {
  const reserveBody = (orderId: string) =>
    JSON.stringify({ amount: 1, currency: "TWD", orderId, packages: [], redirectUrls: {} });

  it("serves TLS with its certificate, and turns away any path without its key", async () => {
    for (const path of [
      "/",
      "/v3/payments/request",
      `/${KEY.slice(0, -1)}x/v3/payments/request`,
      `//${KEY}/v3/payments/request`,
    ]) {
      const orderId = `relay-${run}-stray-${path.length}`;
      const answer = await httpsRequest(`${relayUrl}${path}`, join(certs, "relay-ca.pem"), {
        method: "POST",
        body: reserveBody(orderId),
      });
      expect(answer.status, path).toBe(404);
      expect(await calls(orderId), path).toEqual({});
    }
    // The same request with the key reaches LINE Pay (which refuses it: no signature).
    const answer = await httpsRequest(`${relayUrl}/${KEY}/v3/payments/request`, join(certs, "relay-ca.pem"), {
      method: "POST",
      body: reserveBody(`relay-${run}-unsigned`),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).returnCode).not.toBe("0000");
  });

  it("sends nothing to an upstream whose certificate does not verify", async () => {
    const orderId = `relay-${run}-untrusted`;
    const answer = await httpsRequest(`${untrustingUrl}/${KEY}/v3/payments/request`, join(certs, "relay-ca.pem"), {
      method: "POST",
      body: reserveBody(orderId),
    });
    expect(answer.status).toBe(502);
    expect(await calls(orderId)).toEqual({});
    expect(untrusting.log("error.log")).toMatch(/certificate verify failed|upstream SSL certificate/);
  });
});
