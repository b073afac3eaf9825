import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/flows.js';
import { PHONE, screenshot, startPortal, type Portal } from './support/portal.js';
import { heading, signInWithPassword } from './support/steps.js';

// At 375 px: one header row, the menu folded behind メニュー, the page heading close to the top, and the
// history tabs a strip that scrolls, with the current tab in view.

describe('the portal on a phone', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('has a compact header, a folding menu and scrolling tabs', async () => {
    const customer = await createCustomer(portal.server);
    const { page, problems } = await portal.open();
    await page.setViewportSize(PHONE);
    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');

    const header = await page.locator('.site-header').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(60);
    const h1 = await page.getByRole('heading', { level: 1 }).boundingBox();
    expect(h1!.y).toBeLessThan(110);
    expect(await page.getByRole('link', { name: '出金' }).isVisible()).toBe(false);

    const toggle = page.getByRole('button', { name: 'メニュー' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await page.getByRole('link', { name: '出金' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'ログアウト' }).isVisible()).toBe(true);
    await page.screenshot({ path: 'test-results/screens/97-phone-menu-open-phone.png', fullPage: true });
    await page.getByRole('link', { name: '履歴', exact: true }).click();
    await heading(page, '入出金履歴');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');

    const strip = page.locator('nav.tabs');
    const { scrollWidth, clientWidth } = await strip.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    // The strip shows it scrolls: a shade is drawn on the edge where tabs are hidden.
    expect(await strip.evaluate((el) => getComputedStyle(el).backgroundImage)).toContain('radial-gradient');
    await page.getByRole('link', { name: 'セキュリティ履歴' }).click();
    await heading(page, 'セキュリティ履歴');
    await expect
      .poll(async () => {
        const tab = await page.getByRole('link', { name: 'セキュリティ履歴' }).boundingBox();
        return tab!.x >= 0 && tab!.x + tab!.width <= PHONE.width;
      })
      .toBe(true);
    await screenshot(page, '98-phone-history-tabs');
    expect(problems).toEqual([]);
  });
});
