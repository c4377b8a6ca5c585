/**
 * The demo shop in a real browser against the real `npm start` stack (global-setup.ts): a person's
 * checkout (product page → LINE Pay sandbox page → Approve → receipt with its line items → Back
 * and the way back from LINE Pay's page → Refund, asked first), the Cancel path, and a POS
 * payment whose answer the sandbox loses, watched going UNKNOWN then CAPTURED. Each
 * step asserts what the page shows and what the gateway itself reports (GET /v1/payments/{orderId}).
 * Screenshots go to test-artifacts/browser/.
 */
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { gatewayOrder, launchChromium, sandboxGet, screenshot, stack, type Browser } from "./helpers";

// Launched by the first test that needs it: without Chromium every test fails with the reason.
let launched: Promise<Browser> | undefined;
const newPage = async () => (await (launched ??= launchChromium())).context.newPage();

afterAll(async () => {
  await (await launched?.catch(() => undefined))?.close();
});

const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? "").trim();

const sum = (payInfo: { amount: number }[] = []) => payInfo.reduce((total, p) => total + p.amount, 0);

describe("demo shop checkout", () => {
  it("pays on the LINE Pay page, shows the receipt, refunds, and draws the journal", async () => {
    const { demo, sandbox } = stack();
    const page = await newPage();

    await page.goto(`${demo}/`);
    expect(await text(page, "#product-name")).toBe("Shizuoka Sencha, 100 g");
    await page.selectOption("#quantity", "2");
    await screenshot(page, "01-shop");

    await Promise.all([page.waitForURL(`${sandbox}/payment/*`), page.click("#pay")]);
    expect(await text(page, "#amount")).toBe("2400 JPY");
    await screenshot(page, "02-linepay-page");

    await Promise.all([page.waitForURL(`${demo}/receipt/*`), page.click("#approve")]);
    expect(await text(page, "#receipt #state")).toBe("CAPTURED");
    const orderId = await text(page, "#orderId");
    const transactionId = await text(page, "#transactionId");
    expect(orderId).toMatch(/^shop-/);
    expect(transactionId).toMatch(/^\d{19}$/);
    expect(await text(page, "#payInfo")).toMatch(/CREDIT_CARD\s*¥2,400/);
    const items = await page
      .locator("#items tbody tr")
      .evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll("td")).map((td) => td.textContent?.trim())));
    expect(items).toEqual([["Shizuoka Sencha, 100 g", "2 × ¥1,200", "¥2,400"]]);
    expect(await text(page, "#items-total")).toBe("¥2,400");
    await screenshot(page, "03-receipt");

    // Back from the receipt lands on LINE Pay's page, which now leads back to the shop.
    await page.goBack();
    expect(page.url()).toMatch(new RegExp(`^${sandbox}/payment/`));
    await screenshot(page, "03b-back-on-linepay-page");
    await Promise.all([page.waitForURL(`${demo}/receipt/*`), page.click("#back-to-merchant")]);
    expect(await text(page, "#receipt #state")).toBe("CAPTURED");

    const captured = await gatewayOrder(orderId);
    expect(captured).toMatchObject({
      orderId,
      kind: "online",
      state: "CAPTURED",
      amount: 2400,
      currency: "JPY",
      transactionId,
      refundedAmount: 0,
    });
    expect(sum(captured.payInfo)).toBe(2400);

    // Refund asks first: the first click moves no money.
    await Promise.all([page.waitForURL(`${demo}/receipt/${orderId}/refund`), page.click("#refund")]);
    expect(await text(page, "#refund-confirm h1")).toBe("Refund ¥2,400 to the customer's LINE Pay?");
    expect((await gatewayOrder(orderId)).state).toBe("CAPTURED");
    await screenshot(page, "04a-refund-confirm");
    await Promise.all([page.waitForURL(`${demo}/receipt/${orderId}`), page.click("#keep")]);
    expect((await gatewayOrder(orderId)).state).toBe("CAPTURED");
    await Promise.all([page.waitForURL(`${demo}/receipt/${orderId}/refund`), page.click("#refund")]);
    await page.click("#confirm-refund");
    await page.locator("#receipt #state", { hasText: "REFUNDED" }).waitFor();
    expect(page.url()).toBe(`${demo}/receipt/${orderId}`);
    expect(await page.locator("#refund").count()).toBe(0);
    expect(await text(page, "#refunded")).toBe("¥2,400");
    await screenshot(page, "04-refunded");

    const refunded = await gatewayOrder(orderId);
    expect(refunded).toMatchObject({ state: "REFUNDED", refundedAmount: 2400, transactionId });

    await Promise.all([page.waitForURL(`${demo}/orders/${orderId}`), page.click("#timeline-link")]);
    // Event deliveries ("event" lines) are journaled as they happen, after the answers: left out.
    const drawn = (await page.locator("#timeline li.event .ev-op").allTextContents()).filter((op) => op !== "event");
    expect(drawn).toEqual(refunded.events!.map((e) => e.operation).filter((op) => op !== "event"));
    expect(new Set(drawn)).toEqual(new Set(["reserve", "confirm", "refund"]));
    await screenshot(page, "05-order-timeline");
    await page.close();
  });

  it("comes back to a cancelled page when the customer cancels, and nothing is charged", async () => {
    const { demo, sandbox } = stack();
    const page = await newPage();
    await page.goto(`${demo}/`);
    await Promise.all([page.waitForURL(`${sandbox}/payment/*`), page.click("#pay")]);
    await Promise.all([page.waitForURL(`${demo}/cancel?*`), page.click("#cancel")]);

    expect(await text(page, "#cancelled h1")).toBe("Payment cancelled");
    const orderId = await text(page, "#orderId");
    expect(orderId).toMatch(/^shop-/);
    expect(await text(page, "#gateway-state")).toBe("RESERVED");
    await screenshot(page, "06-cancelled");

    const order = await gatewayOrder(orderId);
    expect(order).toMatchObject({ state: "RESERVED", amount: 1200, refundedAmount: 0 });
    expect(order.events!.map((e) => e.operation)).not.toContain("confirm");
    const ledger = await sandboxGet<{ payments: Record<string, unknown> }>(
      `/__sandbox/ledger?orderId=${encodeURIComponent(orderId)}`,
    );
    expect(ledger.payments).toEqual({});

    // The confirmUrl, replayed by hand after a cancel, cannot make LINE Pay take the money.
    const cancelled = new URL(page.url());
    const response = await page.goto(`${demo}/confirm${cancelled.search}`);
    expect(response?.status()).toBe(502);
    expect(await text(page, "h1")).toBe("The payment could not be confirmed");
    await screenshot(page, "06b-confirm-refused");
    // LINE Pay's refusal settles nothing into money: the order is still unpaid (RESERVED, or EXPIRED
    // when the gateway reads the refusal as the reservation's end), and the sandbox holds no payment.
    expect(["RESERVED", "EXPIRED"]).toContain((await gatewayOrder(orderId)).state);
    expect(
      (await sandboxGet<{ payments: Record<string, unknown> }>(`/__sandbox/ledger?orderId=${orderId}`)).payments,
    ).toEqual({});
    await page.close();
  });
});

describe("demo POS", () => {
  it("shows a payment whose answer was lost go UNKNOWN, then CAPTURED by the gateway's recovery", async () => {
    const { demo } = stack();
    const page = await newPage();
    await page.goto(`${demo}/pos`);
    await page.fill("#amount", "450");
    await page.check("#lose");
    expect(await text(page, "#display")).toBe("¥450");
    await screenshot(page, "07-pos");

    await page.click("#charge");
    await page.locator("#pos-result #state", { hasText: "UNKNOWN" }).waitFor({ timeout: 15_000 });
    const orderId = await text(page, "#pos-result #orderId");
    expect(orderId).toMatch(/^pos-/);
    expect(await text(page, "#pos-status")).toContain("202 UNKNOWN");
    await screenshot(page, "08-pos-unknown");

    const unknown = await gatewayOrder(orderId);
    expect(unknown).toMatchObject({ kind: "pos", state: "UNKNOWN", amount: 450 });
    expect(unknown.events!.map((e) => e.outcome)).toContain("answer_lost");

    // The page polls while the gateway's alarm asks LINE Pay (every 3 s for POS).
    await page.locator("#pos-result #state", { hasText: "CAPTURED" }).waitFor({ timeout: 30_000 });
    const transactionId = await text(page, "#pos-result #transactionId");
    expect(transactionId).toMatch(/^\d{19}$/);
    const log = await page.locator("#pos-log .badge").allTextContents();
    expect(log).toEqual(["UNKNOWN", "CAPTURED"]);
    await screenshot(page, "09-pos-captured");

    const captured = await gatewayOrder(orderId);
    expect(captured).toMatchObject({ state: "CAPTURED", transactionId, amount: 450 });
    expect(sum(captured.payInfo)).toBe(450);
    // The payment's own lines; the deliveries of its events to the demo's sink are journaled
    // whenever the queue delivers them, before or after any given read.
    const paymentLines = (ops: string[]) => ops.filter((op) => op !== "event");
    const journaled = paymentLines(captured.events!.map((e) => e.operation));
    expect(captured.events!.filter((e) => e.operation === "posPay").at(-1)).toMatchObject({ outcome: "captured" });
    // Drawn on the page as the gateway journaled it, and LINE Pay was asked to pay once only.
    expect(paymentLines(await page.locator("#pos-result li.event .ev-op").allTextContents())).toEqual(journaled);
    const { calls } = await sandboxGet<{ calls: Record<string, number> }>(
      `/__sandbox/calls?orderId=${encodeURIComponent(orderId)}`,
    );
    expect(calls["pos.pay"]).toBe(1);
    expect(calls["pos.check"]).toBeGreaterThanOrEqual(3);

    // The result leads to the payment's journal.
    await Promise.all([page.waitForURL(`${demo}/orders/${orderId}`), page.click("#pos-journal")]);
    expect(paymentLines(await page.locator("#timeline li.event .ev-op").allTextContents())).toEqual(journaled);
    await page.close();
  });

  it("switches the till to the tea stand, a merchant on Offline API v4 with its own channel, and recovers there too", async () => {
    const { demo, teaStandChannelId } = stack();
    const page = await newPage();
    await page.goto(`${demo}/pos`);
    await page.check('input[name="shop"][value="tea"]');
    await page.fill("#amount", "380");
    await page.check("#lose");
    await page.click("#charge");
    await page.locator("#pos-result #state", { hasText: "UNKNOWN" }).waitFor({ timeout: 15_000 });
    const orderId = await text(page, "#pos-result #orderId");
    expect(orderId).toMatch(/^tea-/);
    await page.locator("#pos-result #state", { hasText: "CAPTURED" }).waitFor({ timeout: 30_000 });
    await screenshot(page, "09b-pos-tea-stand-captured");

    // The order is the tea stand's: its own token sees it, the default merchant's does not.
    const captured = await gatewayOrder(orderId, "tea-stand");
    expect(captured).toMatchObject({ kind: "pos", state: "CAPTURED", amount: 380 });
    await expect(gatewayOrder(orderId)).rejects.toThrow(/404/);
    // LINE Pay was asked on the tea stand's channel, on v4: signed, never the channel secret header.
    const channel = `channelId=${teaStandChannelId}&orderId=${encodeURIComponent(orderId)}`;
    const { calls, auth } = await sandboxGet<{
      calls: Record<string, number>;
      auth: Record<string, { channelSecretHeader: number; signature: number }>;
    }>(`/__sandbox/calls?${channel}`);
    expect(calls["pos.pay"]).toBe(1);
    expect(calls["pos.check"]).toBeGreaterThanOrEqual(3);
    for (const operation of ["pos.pay", "pos.check"]) {
      expect(auth[operation]).toEqual({ channelSecretHeader: 0, signature: calls[operation] });
    }
    const ledger = await sandboxGet<{ payments: Record<string, unknown> }>(`/__sandbox/ledger?${channel}`);
    expect(ledger.payments).toEqual({ [orderId]: expect.objectContaining({ status: "CAPTURE", captured: 380 }) });
    // Nothing of it on the default channel.
    const elsewhere = await sandboxGet<{ calls: Record<string, number> }>(
      `/__sandbox/calls?orderId=${encodeURIComponent(orderId)}`,
    );
    expect(elsewhere.calls).toEqual({});
    await page.close();
  });
});
