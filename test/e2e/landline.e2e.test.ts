import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, e164, latestCode, outbox } from '../support/flows.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { heading, signInWithPassword } from './support/steps.js';

// SMS greyed out with the reason, and the way to the phone page.

describe('二要素認証 for a customer who cannot receive SMS', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('greys out SMS for a landline, says why, and links to the phone page', async () => {
    const customer = await createCustomer(portal.server, { phone: '03-1234-5678' });
    const { page, problems } = await portal.open();
    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');
    await page.goto('/settings/mfa');
    await heading(page, '二要素認証');
    const sms = page.getByRole('radio', { name: 'SMS認証' });
    expect(await sms.isDisabled()).toBe(true);
    expect(await sms.isChecked()).toBe(false);
    expect(await page.getByText('登録されている番号が固定電話のため、SMSを受信できません。').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: '登録', exact: true }).isDisabled()).toBe(true);
    // Not a dead end: the app and passkeys are offered, each with the way to register it; with nothing
    // that could be submitted, the trading password box is off too.
    expect(await page.getByRole('radio', { name: '認証アプリ' }).isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: 'パスキー' }).isDisabled()).toBe(true);
    expect(await page.getByText('固定電話のお客様もご利用いただけます。').isVisible()).toBe(true);
    expect(await page.getByLabel('取引パスワード').isDisabled()).toBe(true);
    await page.getByRole('link', { name: '認証アプリを登録する' }).click();
    await heading(page, '認証アプリ');
    await page.goBack();
    await heading(page, '二要素認証');
    await screenshot(page, '30-mfa-landline');
    await page.getByRole('link', { name: '電話認証番号を登録・変更する' }).click();
    await heading(page, '電話認証番号');
    expect(await page.getByTestId('phone-current').textContent()).toBe('***-****-5678（固定電話・未確認）');
    expect(problems).toEqual([]);
  });

  it('greys out SMS when no number is registered', async () => {
    const customer = await createCustomer(portal.server, { phone: undefined });
    const { page } = await portal.open();
    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');
    await page.goto('/settings/mfa');
    await heading(page, '二要素認証');
    expect(await page.getByRole('radio', { name: 'SMS認証' }).isDisabled()).toBe(true);
    expect(await page.getByText('電話認証番号が登録されていません。').isVisible()).toBe(true);
  });

  it('signs a landline customer in with a code read out by a voice call, under a mandatory policy', async () => {
    const mandatory = await startPortal({ KABUTO_MFA_REQUIRED: '1' });
    try {
      const customer = await createCustomer(mandatory.server, { phone: '03-1234-5678', password: 'a long enough passphrase 2026' });
      const { page } = await mandatory.open();
      await signInWithPassword(page, customer);
      await page.getByText('音声通話の発信先: ***-****-5678').waitFor();
      await page.getByRole('button', { name: '送信', exact: true }).click();
      await page.getByLabel('認証コード（6桁）').waitFor();
      const [call] = await outbox(mandatory.server, e164(customer.phone!));
      expect(call!.channel).toBe('voice');
      await screenshot(page, '31-login-voice');
      await page.getByLabel('認証コード（6桁）').fill(await latestCode(mandatory.server, customer.phone!));
      await page.getByRole('button', { name: '認証する' }).click();
      await heading(page, 'マイページ');
    } finally {
      await mandatory.close();
    }
  });
});
