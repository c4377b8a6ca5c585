/**
 * The demo shop on a phone: at 390 px (a common phone) and 360 px (the narrowest in wide use)
 * no page scrolls sideways, nothing sticks out of the viewport, and no id or state breaks
 * across lines. Walks every page a customer and a cashier see: shop, LINE Pay sandbox page,
 * receipt with its line items, the refund confirmation, the cancelled page, the order timeline,
 * the lookup page and the till. Screenshots go to test-artifacts/browser/phone-*.png.
 */
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, stack, type Browser } from "./helpers";

let launched: Promise<Browser> | undefined;
const newPage = async (width: number) => {
  const page = await (await (launched ??= launchChromium())).context.newPage();
  await page.setViewportSize({ width, height: 780 });
  return page;
};
afterAll(async () => {
  await (await launched?.catch(() => undefined))?.close();
});

/** What does not fit: the page's sideways scroll, elements past the right edge, broken words. */
async function misfits(page: Page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className ? `.${String(el.className).split(" ")[0]}` : ""}`;
    const outside = Array.from(document.querySelectorAll("body *"))
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
      })
      .map(name);
    // An id or a state drawn on more than one line has been broken mid-word.
    const broken = Array.from(document.querySelectorAll(".badge, .mono, #orderId, #transactionId, #amount"))
      .filter((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set(
          Array.from(range.getClientRects())
            .filter((r) => r.width > 0)
            .map((r) => Math.round(r.top)),
        );
        return tops.size > 1;
      })
      .map((el) => `${name(el)} "${(el.textContent ?? "").trim().slice(0, 40)}"`);
    return { scroll: root.scrollWidth - width, outside: outside.slice(0, 8), broken };
  });
}

async function fits(page: Page, shot: string) {
  await screenshot(page, shot);
  expect(await misfits(page), `${shot}: ${page.url()}`).toEqual({ scroll: 0, outside: [], broken: [] });
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? "").trim();

describe.each([390, 360])("the demo at %i px", (width) => {
  it("fits every page of a checkout, refund and cancel", async () => {
    const { demo, sandbox } = stack();
    const page = await newPage(width);
    await page.goto(`${demo}/`);
    await fits(page, `phone-${width}-01-shop`);
    await page.selectOption("#quantity", "3");
    await Promise.all([page.waitForURL(`${sandbox}/payment/*`), page.click("#pay")]);
    await fits(page, `phone-${width}-02-linepay-page`);
    await Promise.all([page.waitForURL(`${demo}/receipt/*`), page.click("#approve")]);
    expect(await text(page, "#receipt #state")).toBe("CAPTURED");
    await fits(page, `phone-${width}-03-receipt`);
    await Promise.all([page.waitForURL(/\/refund$/), page.click("#refund")]);
    await fits(page, `phone-${width}-04-refund-confirm`);
    await Promise.all([page.waitForURL(/\/receipt\/[^/]+$/), page.click("#confirm-refund")]);
    await page.locator("#receipt #state", { hasText: "REFUNDED" }).waitFor();
    await fits(page, `phone-${width}-05-refunded`);
    await Promise.all([page.waitForURL(`${demo}/orders/*`), page.click("#timeline-link")]);
    await fits(page, `phone-${width}-06-timeline`);
    await page.goto(`${demo}/orders`);
    await fits(page, `phone-${width}-07-lookup`);

    await page.goto(`${demo}/`);
    await Promise.all([page.waitForURL(`${sandbox}/payment/*`), page.click("#pay")]);
    await Promise.all([page.waitForURL(`${demo}/cancel?*`), page.click("#cancel")]);
    await fits(page, `phone-${width}-08-cancelled`);
    await page.close();
  });

  it("fits the till and its result", async () => {
    const { demo } = stack();
    const page = await newPage(width);
    await page.goto(`${demo}/pos`);
    await fits(page, `phone-${width}-09-pos`);
    await page.click("#charge");
    await page.locator("#pos-result #state", { hasText: "CAPTURED" }).waitFor({ timeout: 15_000 });
    await fits(page, `phone-${width}-10-pos-captured`);
    await page.close();
  });
});
