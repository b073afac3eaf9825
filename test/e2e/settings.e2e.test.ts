import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, signedInWithSms } from '../support/flows.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { enterCodeFromSms, heading, sendCode, signInWithPassword, signInWithSms } from './support/steps.js';

// 電話認証番号 and the password changes, each confirmed by a code; the histories and the security page.

describe('registration changes in the portal', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('changes the phone number: a code to the current number, then a code to the new one', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server));
    const { page, problems } = await portal.open();
    await signInWithSms(portal.server, page, customer);
    await page.goto('/settings/phone');
    await heading(page, '電話認証番号');
    await screenshot(page, '60-phone');
    const newPhone = '080-5555-4321';
    await page.getByLabel('新しい電話番号').fill(newPhone);
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await page.getByRole('button', { name: '次へ', exact: true }).click();

    await page.getByText('電話認証番号の変更（現在の番号で確認）').waitFor();
    expect(await page.getByText(`SMS送信先: ***-****-${customer.phone!.slice(-4)}`).isVisible()).toBe(true);
    await sendCode(page);
    await enterCodeFromSms(portal.server, page, customer.phone!, '実行する');

    await page.getByText('電話認証番号の確認（新しい番号で確認）').waitFor();
    expect(await page.getByText('SMS送信先: ***-****-4321').isVisible()).toBe(true);
    await sendCode(page);
    await screenshot(page, '61-phone-new-number-code');
    await enterCodeFromSms(portal.server, page, newPhone, '実行する');
    await page.getByText('電話認証番号を変更しました。').waitFor();
    expect(await page.getByTestId('phone-current').textContent()).toBe('***-****-4321（携帯電話・確認済み）');
    expect((await (await page.request.get('/api/v1/me')).json()).phone).toEqual({ last4: '4321', type: 'mobile', verified: true });
    expect(problems).toEqual([]);
  });

  it('changes the login password with a code, and the new password signs in', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server), 'login');
    const { page } = await portal.open();
    await signInWithSms(portal.server, page, customer);
    await page.goto('/settings/password');
    await heading(page, 'ログインパスワードの変更');
    await page.getByLabel('現在のパスワード').fill(customer.password);
    await page.getByLabel('新しいパスワード', { exact: true }).fill('short');
    await page.getByLabel('新しいパスワード（確認）').fill('short');
    await page.getByRole('button', { name: '次へ', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'パスワードが短すぎます。15文字以上にしてください。' }).waitFor();
    await screenshot(page, '62-password-weak');

    const next = 'a fresh and long passphrase 2026';
    await page.getByLabel('新しいパスワード', { exact: true }).fill(next);
    await page.getByLabel('新しいパスワード（確認）').fill(next);
    await page.getByRole('button', { name: '次へ', exact: true }).click();
    await page.getByText('パスワードの変更', { exact: true }).waitFor();
    await sendCode(page);
    await enterCodeFromSms(portal.server, page, customer.phone!, '実行する');
    await page.getByText('パスワードを変更しました。ほかの端末のログインは終了しました。').waitFor();

    await page.getByRole('button', { name: 'ログアウト' }).click();
    await signInWithPassword(page, { loginId: customer.loginId, password: next });
    await heading(page, 'ログイン認証');
  });

  it('refuses 利用しない under a mandatory policy, with the explanation', async () => {
    const mandatory = await startPortal({ KABUTO_MFA_REQUIRED: '1' });
    try {
      const customer = await createCustomer(mandatory.server, { password: 'a long enough passphrase 2026' });
      const { page } = await mandatory.open();
      await signInWithPassword(page, customer);
      await page.getByRole('button', { name: '送信', exact: true }).click();
      await page.getByLabel('認証コード（6桁）').waitFor();
      await enterCodeFromSms(mandatory.server, page, customer.phone!, '認証する');
      await heading(page, 'マイページ');
      await page.goto('/settings/mfa');
      await heading(page, '二要素認証');
      expect(await page.getByRole('radio', { name: '利用しない' }).isDisabled()).toBe(true);
      expect(await page.getByText('当社の方針により、二要素認証を解除することはできません。').isVisible()).toBe(true);
      await screenshot(page, '63-mfa-policy');
    } finally {
      await mandatory.close();
    }
  });

  it('shows ログイン履歴 and セキュリティ履歴, and the security page', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server));
    const { page } = await portal.open();
    await signInWithSms(portal.server, page, customer);
    await page.getByRole('link', { name: 'ログイン履歴・セキュリティ履歴を見る' }).click();
    await heading(page, 'ログイン履歴');
    const logins = page.getByTestId('login-history');
    await logins.waitFor();
    expect(await logins.textContent()).toContain('ログイン成功');
    await screenshot(page, '70-login-history');
    await page.getByRole('link', { name: 'セキュリティ履歴' }).click();
    await heading(page, 'セキュリティ履歴');
    const security = page.getByTestId('security-history');
    await security.waitFor();
    expect(await security.textContent()).toContain('二要素認証の設定変更');
    await screenshot(page, '71-security-history');
    // セキュリティ: the security centre, each factor with its status, and the next stronger step.
    await page.getByRole('link', { name: 'セキュリティ', exact: true }).click();
    await heading(page, 'セキュリティ');
    const factors = page.getByTestId('sc-factors');
    await expect.poll(() => factors.textContent()).toMatch(/リカバリーコード\s*未設定/);
    expect(await factors.textContent()).toMatch(/パスキー\s*未設定/);
    expect(await factors.textContent()).toMatch(/認証アプリ\s*未設定/);
    expect(await factors.textContent()).toContain(`設定済み ***-****-${customer.phone!.slice(-4)}（携帯電話・確認済み）`);
    expect(await page.getByTestId('sc-mfa-state').textContent()).toContain('SMS認証（全て利用する）');
    expect(await page.getByTestId('next-step').textContent()).toContain('パスキーを登録する');
    await screenshot(page, '73-security-centre');
    await page.getByRole('link', { name: 'セキュリティについて' }).click();
    await heading(page, 'セキュリティについて');
    expect(await page.getByText('当社がメールやSMSでログイン用のリンクを送ることはありません。リンクからログインしないでください。').isVisible()).toBe(true);
    await screenshot(page, '72-security-page');
  });
});
