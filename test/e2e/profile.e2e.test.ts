import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, signedInWithSms } from '../support/flows.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { enterCodeFromSms, heading, sendCode, signInWithSms } from './support/steps.js';

// No dead ends: 出金 without a bank account says so before any form and leads to registering one; the
// e-mail address and the bank account change on their own screens, with the trading password and the check.

describe('registration changes and the way to a first withdrawal', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('leads from 出金 without a bank account to registering one, with step-up, and holds withdrawals after it', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server, { cash: 100_000, bankAccount: undefined }), 'all');
    const { page, problems } = await portal.open();
    await signInWithSms(portal.server, page, customer);

    await page.getByRole('link', { name: '出金', exact: true }).click();
    await heading(page, '出金');
    const notice = page.getByTestId('no-bank-account');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('出金先口座が登録されていないため、出金できません。');
    expect(await page.getByLabel('出金額（円）').count()).toBe(0);
    await screenshot(page, '90-withdrawal-no-bank');

    await page.getByRole('link', { name: '出金先口座を登録する' }).click();
    await heading(page, '出金先口座の登録・変更');
    await page.getByLabel('金融機関名').fill('三井住友銀行');
    await page.getByLabel('支店名').fill('日本橋支店');
    await page.getByLabel('口座番号（普通預金・7桁）').fill('7654321');
    await page.getByLabel('口座名義（カナ）').fill('カブト ハナコ');
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await screenshot(page, '91-bank-account-form');
    await page.getByRole('button', { name: '次へ', exact: true }).click();
    await heading(page, '本人確認');
    expect(await page.getByTestId('profile-confirm').textContent()).toContain('三井住友銀行 日本橋支店 ****4321');
    await sendCode(page);
    await enterCodeFromSms(portal.server, page, customer.phone!, '実行する');
    await page.getByText('登録情報を変更しました。').waitFor();
    expect(await page.getByText('変更から24時間は出金を保留します。', { exact: false }).isVisible()).toBe(true);
    await screenshot(page, '92-bank-account-done');

    await page.getByRole('link', { name: '出金', exact: true }).first().click();
    await heading(page, '出金');
    await expect.poll(() => page.getByTestId('bank-account').textContent()).toBe('三井住友銀行 日本橋支店 ****4321');
    expect(await page.getByLabel('出金額（円）').isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('changes the e-mail address with the trading password and a code', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server), 'all');
    const { page, problems } = await portal.open();
    await signInWithSms(portal.server, page, customer);
    await page.getByRole('link', { name: '登録情報' }).click();
    await heading(page, '登録情報');
    await page.getByRole('link', { name: /メールアドレスの変更/ }).click();
    await heading(page, 'メールアドレスの変更');
    await page.getByLabel('新しいメールアドレス').fill('hanako@example.jp');
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await page.getByRole('button', { name: '次へ', exact: true }).click();
    await heading(page, '本人確認');
    await sendCode(page);
    await enterCodeFromSms(portal.server, page, customer.phone!, '実行する');
    // The new address takes effect with the code sent to it (issue 16.4).
    await page.getByText('hanako@example.jp に確認コードを送りました', { exact: false }).waitFor();
    expect((await (await page.request.get('/api/v1/me')).json()).email).toBe(customer.email);
    const mails = await portal.server.client().get('/api/dev/outbox?to=hanako%40example.jp');
    const code = (mails.body as Array<{ subject: string | null; body: string }>).find((m) => m.subject?.includes('メールアドレス確認コード'))!.body.match(/確認コード: ([0-9]{6})/)![1]!;
    await page.getByLabel('確認コード（6桁）').fill(code);
    await page.getByRole('button', { name: '確認して変更' }).click();
    await page.getByText('登録情報を変更しました。').waitFor();
    expect((await (await page.request.get('/api/v1/me')).json()).email).toBe('hanako@example.jp');
    expect(problems).toEqual([]);
  });
});
