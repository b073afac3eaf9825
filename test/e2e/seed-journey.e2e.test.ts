import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, e164, latestCode, outbox } from '../support/flows.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { enterCodeFromSms, heading, signInWithPassword } from './support/steps.js';

// The seed's STEP 1–5 in the browser, exactly as the demo customer walks them.

describe('the seed journey: SMS two-factor turned on and used, in the portal', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('turns on SMS with 全て利用する, signs out, and signs in again with a code', async () => {
    const demo = await createCustomer(portal.server, {
      loginId: 'demo',
      password: 'kabuto-tarou-2026-login',
      tradingPassword: 'tarou-trade-2026',
      phone: '090-1234-5678',
      cash: 1_000_000,
      bankAccount: { bankName: 'みずほ銀行', branchName: '兜町支店', accountNumber: '1234567', holderName: 'カブト タロウ' },
    });
    const { page, problems } = await portal.open();

    // STEP 1: sign in with login ID and password (2FA is off).
    await page.goto('/');
    await heading(page, 'ログイン');
    await screenshot(page, '01-login');
    await signInWithPassword(page, demo);

    // STEP 2: マイページ.
    await heading(page, 'マイページ');
    await expect.poll(() => page.getByTestId('cash-available').textContent()).toBe('1,000,000円');
    // The first sign-in: there is no earlier one to show (the current one is not 前回).
    await expect.poll(() => page.getByTestId('first-sign-in').isVisible()).toBe(true);
    await screenshot(page, '02-mypage');

    // STEP 3: 登録情報 → 二要素認証.
    await page.getByRole('link', { name: '登録情報' }).click();
    await heading(page, '登録情報');
    await screenshot(page, '03-settings');
    await page.getByRole('link', { name: '二要素認証' }).click();
    await heading(page, '二要素認証');
    expect(await page.getByTestId('mfa-current').textContent()).toBe('利用しない');

    // STEP 4: SMS and the scope (全て利用する pre-selected, recommended), the trading password, 登録;
    // the next screen shows the mobile's last four digits and sends nothing until 送信; the code, 認証, 実行する.
    const sms = page.getByRole('radio', { name: 'SMS認証' });
    const everything = page.getByRole('radio', { name: /全て利用する/ });
    expect(await sms.isChecked()).toBe(true);
    expect(await everything.isChecked()).toBe(true);
    expect(await page.getByText('推奨').isVisible()).toBe(true);
    await screenshot(page, '04-mfa-settings');
    await page.getByLabel('取引パスワード').fill(demo.tradingPassword);
    await page.getByRole('button', { name: '登録', exact: true }).click();
    await heading(page, '本人確認');
    await page.getByText('SMS送信先: ***-****-5678').waitFor();
    expect(await page.getByTestId('mfa-confirm').textContent()).toContain('全て利用する');
    // The number is on the screen and nothing has been sent: the customer checks it before 送信.
    expect(await outbox(portal.server, e164(demo.phone!))).toEqual([]);
    expect(await page.getByLabel('認証コード（6桁）').count()).toBe(0);
    await screenshot(page, '05-mfa-destination');
    await page.getByRole('button', { name: '送信', exact: true }).click();
    await page.getByLabel('認証コード（6桁）').waitFor();
    expect(await page.getByRole('button', { name: /^再送信（\d+秒後に可能）$/ }).isDisabled()).toBe(true);
    const sent = await outbox(portal.server, e164(demo.phone!));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain('二要素認証の設定変更');
    await screenshot(page, '05-mfa-code');
    await page.getByLabel('認証コード（6桁）').fill(await latestCode(portal.server, demo.phone!));
    await page.getByRole('button', { name: '認証する', exact: true }).click();
    await heading(page, '認証しました');
    // Verified, not yet carried out: 実行する does it.
    expect((await (await page.request.get('/api/v1/me')).json()).mfa.method).toBe('none');
    await page.getByRole('button', { name: '実行する', exact: true }).click();
    await page.getByText('二要素認証の設定を変更しました。').waitFor();
    await expect.poll(() => page.getByTestId('mfa-current').textContent()).toBe('SMS認証（全て利用する）');
    // The next stronger step is suggested: a passkey.
    expect(await page.getByTestId('next-step').textContent()).toContain('パスキーを登録する');
    await screenshot(page, '06-mfa-done');
    const me = await page.request.get('/api/v1/me');
    expect((await me.json()).mfa).toEqual({ method: 'sms', scope: 'all', requiredByPolicy: false });

    // STEP 5: sign out; sign in; the sign-in check shows the number; 送信; the code; 認証する → マイページ.
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.getByText('ログアウトしました。').waitFor();
    expect((await page.request.get('/api/v1/me')).status()).toBe(401);
    await signInWithPassword(page, demo);
    await heading(page, 'ログイン認証');
    expect(await page.getByText('SMS送信先: ***-****-5678').isVisible()).toBe(true);
    expect((await page.request.get('/api/v1/me')).status()).toBe(401);
    await screenshot(page, '07-login-sms');
    await page.getByRole('button', { name: '送信', exact: true }).click();
    const codeField = page.getByLabel('認証コード（6桁）');
    await codeField.waitFor();
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    await screenshot(page, '08-login-code');
    await enterCodeFromSms(portal.server, page, demo.phone!, '認証する');

    // Signed in: マイページ.
    await heading(page, 'マイページ');
    expect(page.url()).toBe(`${portal.server.url}/mypage`);
    // 前回ログイン is now the sign-in of STEP 1.
    await expect.poll(() => page.getByTestId('last-sign-in').isVisible()).toBe(true);
    expect((await page.request.get('/api/v1/me')).status()).toBe(200);
    // The session is an HttpOnly cookie only: nothing readable by script, and web storage holds no secret (only the
    // passkey invitation's "due" mark for this tab, web/src/components/PasskeyInvitation.tsx).
    expect(await page.evaluate(() => ({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }))).toEqual({
      local: {},
      session: { 'kabuto-passkey-invitation': 'due' },
      cookie: '',
    });
    expect(problems).toEqual([]);
  });
});
