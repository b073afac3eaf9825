import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, e164, outbox, signedInWithSms } from '../support/flows.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { enterCodeFromSms, heading, sendCode, signInWithSms } from './support/steps.js';

// 出金 with its code (MFA scope 全て利用する), and 注文, in the portal.

const BANK = { bankName: 'みずほ銀行', branchName: '兜町支店', accountNumber: '1234567', holderName: 'カブト タロウ' };

describe('money in the portal', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('withdraws with the trading password and a code, the amount and bank account shown again on the code screen', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server, { cash: 1_000_000, bankAccount: BANK }), 'all');
    const { page, problems } = await portal.open();
    await signInWithSms(portal.server, page, customer);

    await page.getByRole('link', { name: '出金' }).click();
    await heading(page, '出金');
    await expect.poll(() => page.getByTestId('withdrawable').textContent()).toBe('1,000,000円');
    expect(await page.getByTestId('bank-account').textContent()).toBe('みずほ銀行 兜町支店 ****4567');
    await screenshot(page, '40-withdrawal');
    const sentBefore = (await outbox(portal.server, e164(customer.phone!))).length;
    await page.getByLabel('出金額（円）').fill('100000');
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await page.getByRole('button', { name: '次へ', exact: true }).click();

    const confirm = page.getByTestId('withdrawal-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('100,000円');
    expect(await confirm.textContent()).toContain('みずほ銀行 兜町支店 ****4567');
    expect(await page.getByText(`SMS送信先: ***-****-${customer.phone!.slice(-4)}`).isVisible()).toBe(true);
    // Nothing is sent until 送信 on the check's screen.
    expect(await outbox(portal.server, e164(customer.phone!))).toHaveLength(sentBefore);
    await sendCode(page);
    const [sms] = await outbox(portal.server, e164(customer.phone!));
    expect(sms!.body).toContain('100,000円');
    await screenshot(page, '41-withdrawal-code');

    await enterCodeFromSms(portal.server, page, customer.phone!, '実行する');
    await page.getByText('出金指示を受け付けました。').waitFor();
    const result = await page.getByTestId('withdrawal-result').textContent();
    expect(result).toContain('100,000円');
    expect(result).toContain('****4567');
    await screenshot(page, '42-withdrawal-done');

    const account = await (await page.request.get('/api/v1/account')).json();
    expect(account.cash.available + account.cash.pending).toBe(900_000);
    await page.getByRole('link', { name: '履歴' }).click();
    await heading(page, '入出金履歴');
    const history = page.getByTestId('cash-history');
    await history.waitFor();
    expect(await history.textContent()).toContain('-100,000円');
    await screenshot(page, '43-cash-history');
    expect(problems).toEqual([]);
  });

  it('buys and sells with the trading password, and shows the holding on マイページ and in 取引履歴', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server, { cash: 5_000_000, bankAccount: BANK }), 'login');
    const { page, problems } = await portal.open();
    await signInWithSms(portal.server, page, customer);

    await page.getByRole('link', { name: '注文' }).click();
    await heading(page, '注文');
    const symbol = page.getByLabel('銘柄');
    await expect.poll(() => symbol.locator('option').count()).toBeGreaterThan(0);
    const chosen = await symbol.inputValue();
    await page.getByRole('radio', { name: '買付' }).check();
    await page.getByLabel('数量（株）').fill('100');
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await screenshot(page, '44-order');
    await page.getByRole('button', { name: '注文する' }).click();
    await page.getByText('注文を受け付けました。').waitFor();
    await screenshot(page, '45-order-done');

    await page.getByRole('button', { name: '続けて注文する' }).click();
    await page.getByRole('radio', { name: '売却' }).check();
    await page.getByLabel('数量（株）').fill('40');
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await page.getByRole('button', { name: '注文する' }).click();
    await page.getByText('注文を受け付けました。').waitFor();

    await page.getByRole('link', { name: 'マイページ' }).click();
    await heading(page, 'マイページ');
    const holding = page.getByRole('row').filter({ hasText: chosen });
    await holding.waitFor();
    expect(await holding.textContent()).toContain('60株');

    await page.goto('/history/orders');
    await heading(page, '取引履歴');
    const orders = page.getByTestId('order-history');
    await orders.waitFor();
    expect(await orders.locator('tbody tr').count()).toBe(2);
    await screenshot(page, '46-order-history');
    expect(problems).toEqual([]);
  });

  it('an order goes with the trading password alone: the page offers no step-up path (the orders route refuses a challengeId)', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server, { cash: 5_000_000, bankAccount: BANK }), 'all');
    const { page } = await portal.open();
    await signInWithSms(portal.server, page, customer);
    // What the route accepts: a challengeId is an unknown field (400), so a check on the order page could never be used.
    const refused = await page.request.post('/api/v1/orders', {
      headers: { 'content-type': 'application/json', origin: portal.server.url },
      data: { symbol: '7203', side: 'buy', quantity: 1, tradingPassword: customer.tradingPassword, idempotencyKey: 'order-with-challenge', challengeId: 'abc' },
    });
    expect(refused.status()).toBe(400);
    expect((await refused.json()).error).toBe('invalid_request');

    // Should the server ever answer step_up_required, the page shows a refusal, not a challenge screen whose
    // 実行する would repeat the order with a challengeId.
    const bodies: string[] = [];
    await page.route('**/api/v1/orders', async (route) => {
      bodies.push(route.request().postData() ?? '');
      const challenge = { id: 'c'.repeat(22), purpose: 'order', summary: '注文', expiresAt: new Date(Date.now() + 300_000).toISOString(), methods: [{ type: 'sms', phoneLast4: customer.phone!.slice(-4) }] };
      await route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'step_up_required', message: 'この操作には追加の認証が必要です。', requestId: 'r', challenge }),
      });
    });
    await page.getByRole('link', { name: '注文' }).click();
    await heading(page, '注文');
    await expect.poll(() => page.getByLabel('銘柄').locator('option').count()).toBeGreaterThan(0);
    await page.getByLabel('数量（株）').fill('1');
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await page.getByRole('button', { name: '注文する' }).click();
    await page.getByRole('alert').filter({ hasText: 'この操作には追加の認証が必要です。' }).waitFor();
    expect(await page.getByRole('heading', { name: '本人確認' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '実行する' }).count()).toBe(0);
    expect(bodies).toHaveLength(1);
    expect(JSON.parse(bodies[0]!)).not.toHaveProperty('challengeId');
  });

  it('shows a wrong trading password in words, with the attempts left', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server, { cash: 1_000, bankAccount: BANK }), 'all');
    const { page } = await portal.open();
    await signInWithSms(portal.server, page, customer);
    await page.goto('/withdrawal');
    await heading(page, '出金');
    await page.getByLabel('出金額（円）').fill('500');
    await page.getByLabel('取引パスワード').fill('not the trading password');
    await page.getByRole('button', { name: '次へ', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: '取引パスワードが正しくありません。あと4回間違えるとロックされます。' }).waitFor();
    // The message takes focus and is tied to the field it is about.
    const alert = page.getByRole('alert');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
    const field = page.getByLabel('取引パスワード');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toBe(await alert.getAttribute('id'));
    await screenshot(page, '47-withdrawal-wrong-trading-password');
    expect(await page.getByTestId('withdrawal-confirm').count()).toBe(0);
  });
});
