import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, latestCode, signedInWithSms } from '../support/flows.js';
import { startPortal, type Portal } from './support/portal.js';
import { heading } from './support/steps.js';

// Every form usable by keyboard: the sign-in and its code screen walked with Tab, typing and Enter only.

describe('the portal by keyboard alone', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('signs in with a code without touching the mouse', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server));
    const { page } = await portal.open();
    await page.goto('/login');
    await heading(page, 'ログイン');

    const focusedLabel = () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent ?? document.activeElement?.textContent ?? '');
    await page.getByLabel('ログインID').focus();
    await page.keyboard.type(customer.loginId);
    await page.keyboard.press('Tab');
    expect(await focusedLabel()).toBe('ログインパスワード');
    await page.keyboard.type(customer.password);
    await page.keyboard.press('Enter');

    await page.getByText(`SMS送信先: ***-****-${customer.phone!.slice(-4)}`).waitFor();
    // While the code is being sent, the busy 送信 keeps the focus (announced busy, not disabled).
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/challenges/*/sms', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole('button', { name: '送信', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => [document.activeElement?.tagName, document.activeElement?.textContent, document.activeElement?.getAttribute('aria-busy')]))
      .toEqual(['BUTTON', '送信', 'true']);
    release();
    await page.getByLabel('認証コード（6桁）').waitFor();
    // The code field takes focus as it appears: the customer types at once.
    await expect.poll(focusedLabel).toBe('認証コード（6桁）');
    await page.keyboard.type(await latestCode(portal.server, customer.phone!));
    await page.keyboard.press('Enter');
    await heading(page, 'マイページ');
  });
});
