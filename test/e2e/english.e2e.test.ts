import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, latestCode, signedInWithSms } from '../support/flows.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { heading } from './support/steps.js';

// Japanese by default; the English switch turns every screen word and error into English, and stays.

describe('the English switch', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('switches the sign-in, the code screen, errors and マイページ to English, and remembers it', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server, { cash: 250_000 }));
    const { page, problems } = await portal.open({ locale: 'en-US' });
    await page.goto('/login');
    await heading(page, 'ログイン');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await heading(page, 'Sign in');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByLabel('Login ID').fill(customer.loginId);
    await page.getByLabel('Login password').fill('a wrong password entirely');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'The login ID or password is incorrect.' }).waitFor();
    await screenshot(page, '50-en-login-error');

    await page.getByLabel('Login password').fill(customer.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText(`SMS to: ***-****-${customer.phone!.slice(-4)}`).waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const code = await (async () => {
      await page.getByLabel('Code (6 digits)').waitFor();
      return latestCode(portal.server, customer.phone!);
    })();
    await page.getByLabel('Code (6 digits)').fill(code.replace(/^./, (d) => String((Number(d) + 1) % 10)));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'The code is incorrect. 4 attempts left.' }).waitFor();
    await screenshot(page, '51-en-code-wrong');
    await page.getByLabel('Code (6 digits)').fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await heading(page, 'My page');
    await expect.poll(() => page.getByTestId('cash-available').textContent()).toBe('¥250,000');
    await screenshot(page, '52-en-mypage');

    await page.reload();
    await heading(page, 'My page');
    await page.getByRole('button', { name: '日本語に切り替える' }).click();
    await heading(page, 'マイページ');
    expect(problems).toEqual([]);
  });
});
