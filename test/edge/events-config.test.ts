/**
 * The events settings (CONTRACT.md "Events to the merchant") are checked with the rest of the
 * configuration: a URL that is not https outside this machine and *.test, a URL without a
 * secret, a secret that is not `whsec_<base64 of 16 bytes or more>`, a retry delay that is not
 * a positive number of seconds: each is named by /healthz (never its value), every problem at
 * once, and turns every route into a 500 naming it, as any unusable setting does. Unset, events
 * are off and nothing is a problem.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { version } from "../../package.json";
import { sendTrapped } from "../support/gateway";

afterEach(() => vi.restoreAllMocks());

const whsec = (bytes: number) => `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))))}`;

async function health(overrides: Record<string, string>) {
  const res = await sendTrapped("/healthz", { auth: false }, overrides as Partial<Env>);
  expect(res.touched).toEqual([]);
  return res;
}

const HTTPS_ONLY = "EVENTS_WEBHOOK_URL must be https (http only for localhost, 127.0.0.1, ::1 and *.test hosts)";
const BAD_SECRET = "EVENTS_WEBHOOK_SECRET must be whsec_ and the base64 of at least 16 bytes";
const BAD_DELAY = "EVENTS_RETRY_DELAY_S must be a positive integer of seconds";

describe("events configuration", () => {
  it("is fine unset (events are journaled, not sent), and with an https URL and a whsec_ secret", async () => {
    const fine: Record<string, string>[] = [
      { EVENTS_WEBHOOK_URL: "", EVENTS_WEBHOOK_SECRET: "" },
      { EVENTS_WEBHOOK_URL: "https://shop.example/hooks/linepay", EVENTS_WEBHOOK_SECRET: whsec(32) },
      { EVENTS_WEBHOOK_URL: "https://shop.example:8443/", EVENTS_WEBHOOK_SECRET: whsec(16), EVENTS_RETRY_DELAY_S: "5" },
    ];
    for (const overrides of fine) {
      const res = await health(overrides);
      expect(res.body, JSON.stringify(overrides)).toEqual({ ok: true, version });
    }
  });

  it("allows http only to this machine and *.test hosts", async () => {
    for (const url of [
      "http://127.0.0.1:8789/events",
      "http://localhost:3000/hooks",
      "http://shop.localhost/hooks",
      "http://[::1]:8080/",
      "http://receiver.test/events",
    ]) {
      expect((await health({ EVENTS_WEBHOOK_URL: url })).status, url).toBe(200);
    }
    for (const url of ["http://shop.example/hooks", "http://10.0.0.7/hooks", "http://localhost.example.com/"]) {
      const res = await health({ EVENTS_WEBHOOK_URL: url });
      expect(res.status, url).toBe(503);
      expect(res.body.problems, url).toEqual([HTTPS_ONLY]);
      expect(res.text).not.toContain(url);
    }
    for (const url of ["not a url", "ftp://shop.example/", "/relative/path"]) {
      expect((await health({ EVENTS_WEBHOOK_URL: url })).body.problems, url).toEqual([
        "EVENTS_WEBHOOK_URL must be an https URL",
      ]);
    }
    expect((await health({ EVENTS_WEBHOOK_URL: "https://user:pw@shop.example/" })).body.problems).toEqual([
      "EVENTS_WEBHOOK_URL must not carry credentials",
    ]);
  });

  it("needs a secret with a URL, and a secret that Standard Webhooks can use", async () => {
    const noSecret = await health({ EVENTS_WEBHOOK_URL: "https://shop.example/hooks", EVENTS_WEBHOOK_SECRET: "" });
    expect(noSecret.status).toBe(503);
    expect(noSecret.body.problems).toEqual(["EVENTS_WEBHOOK_SECRET is missing (EVENTS_WEBHOOK_URL is set)"]);
    const short = whsec(8);
    for (const secret of ["not-a-whsec-secret-at-all", short, "whsec_", "whsec_%%%not*base64%%%", short.slice(6)]) {
      const res = await health({ EVENTS_WEBHOOK_SECRET: secret });
      expect(res.status, secret).toBe(503);
      expect(res.body.problems, secret).toEqual([BAD_SECRET]);
      if (secret.length > 6) expect(res.text).not.toContain(secret);
    }
  });

  it("needs a positive whole number of seconds for the retry delay", async () => {
    for (const delay of ["0", "-30", "1.5", "soon", "30s"]) {
      expect((await health({ EVENTS_RETRY_DELAY_S: delay })).body.problems, delay).toEqual([BAD_DELAY]);
    }
  });

  it("names every events problem at once, with the others, and never a value", async () => {
    const res = await health({
      EVENTS_WEBHOOK_URL: "http://shop.example/hooks",
      EVENTS_WEBHOOK_SECRET: "",
      EVENTS_RETRY_DELAY_S: "0",
      LINEPAY_ONLINE_VERSION: "v9",
    });
    expect(res.status).toBe(503);
    expect(res.body.problems).toEqual([
      "LINEPAY_ONLINE_VERSION must be v3 or v4",
      HTTPS_ONLY,
      "EVENTS_WEBHOOK_SECRET is missing (EVENTS_WEBHOOK_URL is set)",
      BAD_DELAY,
    ]);
    expect(res.text).not.toContain("shop.example");
    expect(res.text).not.toContain(env.EVENTS_WEBHOOK_SECRET);
  });

  it("turns the routes into a 500 configuration_error naming the setting, as any unusable setting does", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const secret = "whsec_c2hvcnQ=";
    const res = await sendTrapped("/v1/payments/o-1", {}, { EVENTS_WEBHOOK_SECRET: secret } as Partial<Env>);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: "configuration_error", detail: BAD_SECRET });
    expect(res.text).not.toContain(secret);
    expect(res.touched).toEqual([]);
  });
});
