import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestServer, type TestServer } from '../../support/harness.js';
import { expectAccessible } from './axe.js';

// One real Kabuto server (SQLite in memory, manual clock, dev outbox) serving the built portal,
// and one headless Chromium, per test file.

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../test-results/screens', import.meta.url));
const CHROMIUM = process.env.KABUTO_E2E_CHROMIUM ?? '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 740 };

export interface Portal {
  server: TestServer;
  browser: Browser;
  /** A fresh browser profile (its own cookies) with a page at desktop width; console errors are collected. */
  open(options?: { locale?: string; localhost?: boolean; headers?: Record<string, string> }): Promise<CustomerBrowser>;
  close(): Promise<void>;
}

export interface CustomerBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors (a CSP violation shows here). */
  problems: string[];
}

/**
 * `env` for the server; `startAt` sets its clock. A browser opened with `localhost` reaches it by that name (a
 * passkey's RP ID must be a domain); `headers` go with every request (X-Forwarded-For, with the proxy trusted).
 */
export async function startPortal(env: Record<string, string> = {}, options: { startAt?: number } = {}): Promise<Portal> {
  if (!existsSync(`${WEB_DIST}/index.html`)) throw new Error('web/dist is missing: run `npm run build:web` (npm run test:e2e does it)');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const server = await startTestServer({ env: { KABUTO_WEB_ROOT: WEB_DIST, ...env }, startAt: options.startAt });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const contexts: BrowserContext[] = [];
  return {
    server,
    browser,
    async open(options = {}) {
      const baseURL = options.localhost ? server.url.replace('127.0.0.1', 'localhost') : server.url;
      const context = await browser.newContext({ baseURL, viewport: DESKTOP, locale: options.locale ?? 'ja-JP', extraHTTPHeaders: options.headers });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      return { context, page, problems };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Screenshots of the current screen at desktop and phone width (test-results/screens/<name>-*.png),
 * axe-core (WCAG 2.2 AA) at both widths, and the phone check: at 375 px nothing is wider than the screen.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // The screen as it stands once it has settled: no request of the page in flight (an answer still on its way
  // may move the focus, as a sent code moves it to the code's field), then two frames for its effects.
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0)))));
  const focused = await page.evaluate(() => document.activeElement ? `${document.activeElement.tagName}#${document.activeElement.id}:${document.activeElement.textContent?.slice(0, 40)}` : null);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-desktop.png`, fullPage: true });
  await expectAccessible(page, name);
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name}: wider than a 375-px phone by ${overflow}px`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-phone.png`, fullPage: true });
  await expectAccessible(page, name);
  await page.setViewportSize(DESKTOP);
  // Looking does not move focus.
  expect(await page.evaluate(() => document.activeElement ? `${document.activeElement.tagName}#${document.activeElement.id}:${document.activeElement.textContent?.slice(0, 40)}` : null)).toBe(focused);
}
