// A person in Chromium: the example app -> Connect Zoom -> the emulator's consent page ->
// Authorize -> back in the app, connected, with meetings -> schedule through the form -> it is
// in the list and in search. And Deny ends on a clear message. Screenshots go to
// artifacts/browser/ (ZOOM_ARTIFACTS_DIR to choose).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT, type RunningApp, startApp } from "./helpers.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = process.env.ZOOM_ARTIFACTS_DIR ?? path.join(ROOT, "examples/desktop-skills/artifacts/browser");
const required = process.env.ZOOM_REQUIRE_BROWSER === "1";
const missing = !existsSync(CHROMIUM);
if (missing) {
  const msg = `NO CHROMIUM at ${CHROMIUM}: the browser test did not run (apt-get install chromium)`;
  if (required) throw new Error(msg);
  console.error(`\n*** ${msg} ***\n`);
}

let app: RunningApp;
let browser: Browser;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

describe("the example app in Chromium", { skip: missing }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test("connect, authorize, see meetings, schedule, find it", async () => {
    const context = await browser.newContext({ timezoneId: "Europe/Paris", locale: "en-GB" });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${app.appUrl}/?as=browser-user`);
    await page.waitForSelector("#status[data-state='not_connected']");
    await shot(page, "01-not-connected");

    await page.click("#connect");
    await page.waitForURL(/\/oauth\/authorize/);
    assert.match(await page.textContent("h1") ?? "", /Authorize app/);
    assert.match(await page.textContent("#scopes") ?? "", /meeting:read/);
    await shot(page, "02-consent");
    await page.click("#authorize");

    await page.waitForURL(`${app.appUrl}/`);
    await page.waitForSelector("#status[data-state='connected']");
    assert.match(await page.textContent("#notice") ?? "", /Zoom connected/);
    assert.match(await page.textContent("#scopes") ?? "", /meeting:write/);
    await page.waitForSelector("#meetings li[data-id]");
    const before = await page.locator("#meetings li[data-id]").count();
    assert.ok(before >= 1, "the user's upcoming meetings are listed");
    await page.waitForSelector("#recordings a.download");
    await page.waitForSelector("#health.healthy, #health.degraded");
    await shot(page, "03-connected");

    await page.fill("#topic", "Browser pangolin review");
    await page.fill("#start", "2031-04-02T15:30");
    await page.fill("#timezone", "America/New_York");
    await page.fill("#duration", "40");
    await page.click("#schedule");
    await page.waitForSelector("#meetings li:has-text('Browser pangolin review')");
    assert.match(await page.textContent("#notice") ?? "", /Scheduled “Browser pangolin review”/);
    // 15:30 in New York on 2 April 2031 (EDT, UTC-4), shown in its own zone.
    assert.match(await page.textContent("#meetings li:has-text('Browser pangolin review')") ?? "", /15:30.*America\/New_York/);
    await page.waitForSelector("#sync-state[data-done='1']");
    await shot(page, "04-scheduled");

    await page.fill("#search", "pangolin");
    await page.click("#search-btn");
    await page.waitForSelector("#results li:has-text('Browser pangolin review')");
    await shot(page, "05-search");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#recordings a.download >> nth=0")]);
    assert.equal(await download.failure(), null);
    assert.deepEqual(errors, [], "no script errors on the page");
    await context.close();
  });

  test("Deny on the consent page ends on a clear message", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.appUrl}/?as=browser-denier`);
    await page.waitForSelector("#status[data-state='not_connected']");
    await page.click("#connect");
    await page.waitForURL(/\/oauth\/authorize/);
    await page.click("#deny");
    await page.waitForURL(`${app.appUrl}/`);
    await page.waitForSelector("#notice.error");
    const text = await page.textContent("#notice");
    assert.match(text ?? "", /Zoom was not connected: .*denied/);
    // The notice is shown at once; the status arrives with the page's first call.
    await page.waitForSelector("#status[data-state='not_connected']");
    await page.waitForSelector("#connect", { state: "visible" });
    await shot(page, "06-denied");
    await context.close();
  });
});
