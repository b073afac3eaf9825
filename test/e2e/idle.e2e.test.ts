import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/flows.js';
import { BANK } from '../factors/support/factor-flows.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { heading, signInWithPassword, trackRequests } from './support/steps.js';

// The 30-minute idle limit: a warning two minutes before with 延長; past it, signing in again returns to
// the page with what was typed — except the trading password. The browser's clock is Playwright's, the
// server's the test clock: each is moved forward as time passes.

describe('the idle warning and the way back', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('warns two minutes before the limit, 延長 keeps the session, and after it ends the half-typed withdrawal comes back', async () => {
    const customer = await createCustomer(portal.server, { cash: 200_000, bankAccount: BANK });
    const { page, problems } = await portal.open();
    await page.clock.install();
    const requests = trackRequests(page);
    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');
    await page.getByRole('link', { name: '出金', exact: true }).click();
    await heading(page, '出金');
    await page.getByLabel('出金額（円）').fill('12345');
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await requests.settled();

    // 27 minutes: nothing yet. 28 minutes: the warning, focused, with 延長.
    await page.clock.runFor(27 * 60_000);
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await page.clock.runFor(60_000 + 2000);
    const dialog = page.getByRole('alertdialog', { name: 'まもなく自動的にログアウトします' });
    await dialog.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('idle-title');
    await screenshot(page, '96-idle-warning');
    // Modal: Tab does not leave the dialog.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('延長');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('延長');
    portal.server.clock.advance(28 * 60_000 + 2000);
    await page.getByRole('button', { name: '延長' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await page.request.get('/api/v1/me')).status()).toBe(200);

    // Left alone past the limit: the session ends on both sides, and the sign-in screen says why.
    portal.server.clock.advance(31 * 60_000);
    await page.clock.runFor(31 * 60_000);
    await heading(page, 'ログイン');
    await page.getByText('ログインの有効期限が切れました。もう一度ログインしてください。').waitFor();

    await page.getByLabel('ログインID').fill(customer.loginId);
    await page.getByLabel('ログインパスワード').fill(customer.password);
    await page.getByRole('button', { name: 'ログイン', exact: true }).click();
    await heading(page, '出金');
    expect(new URL(page.url()).pathname).toBe('/withdrawal');
    expect(await page.getByLabel('出金額（円）').inputValue()).toBe('12345');
    expect(await page.getByLabel('取引パスワード').inputValue()).toBe('');
    expect(problems).toEqual([]);
  });
});
