/**
 * Headless Chromium driven by Playwright, for the storefront's tests: the system's Chromium (no browser
 * download), one browser per suite and a fresh context (cookies, localStorage) per shopper.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `headless Chromium is needed at ${CHROMIUM} to test the storefront in a browser: ` +
        'install the Debian package "chromium" (apt-get install -y chromium) or set CHROMIUM_PATH',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** The text of the order page's live status region. */
export const orderStatus = (page: Page): Promise<string> =>
  page.locator('.status-line [role="status"]').innerText();

/** Waits until the order page's status reads `pattern`; says what it read instead when it does not. */
export async function waitForStatus(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await orderStatus(page).catch(() => '');
    if (pattern.test(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`the order status never read ${String(pattern)}; it read "${last}"`);
}
