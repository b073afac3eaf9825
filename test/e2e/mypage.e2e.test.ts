import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/flows.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { heading, signInWithPassword } from './support/steps.js';

// マイページ: 前回ログイン is the sign-in before this one, and the wrong passwords and the lock since then are told.

describe('マイページ after someone tried the account', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('shows the previous sign-in and tells of five wrong passwords and the lock since it', async () => {
    const customer = await createCustomer(portal.server);
    const { page, problems } = await portal.open();
    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');
    await page.getByTestId('first-sign-in').waitFor();
    expect(await page.getByTestId('sign-in-trouble').count()).toBe(0);
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await heading(page, 'ログイン');

    portal.server.clock.advance(60_000);
    const stranger = portal.server.client();
    for (let i = 0; i < 5; i++) await stranger.post('/api/v1/login', { loginId: customer.loginId, password: `a guess ${i} at the password` });
    portal.server.clock.advance(24 * 60 * 60_000);

    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');
    const trouble = page.getByTestId('sign-in-trouble');
    await trouble.waitFor();
    expect(await trouble.textContent()).toContain('前回のログイン以降、ログインの失敗が5回、アカウントのロックが1回ありました。');
    expect(await page.getByTestId('last-sign-in').isVisible()).toBe(true);
    await screenshot(page, '95-mypage-failures-since');
    expect(problems).toEqual([]);
  });
});
