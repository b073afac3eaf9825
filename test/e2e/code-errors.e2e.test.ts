import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, latestCode, signedInWithSms, type TestCustomer } from '../support/flows.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { heading, signInWithPassword } from './support/steps.js';

// The code screen's messages: a wrong code (attempts left), an expired code, a dead challenge.

const CODE_FIELD = '認証コード（6桁）';

/** A code that is surely not the one sent. */
function wrongCodeFor(code: string): string {
  return code.replace(/^./, (d) => String((Number(d) + 1) % 10));
}

describe('the sign-in code screen when the code is wrong or late', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  async function customerWithSms(): Promise<TestCustomer> {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server));
    return customer;
  }

  it('says how many attempts are left after a wrong code, and that an expired code needs a resend', async () => {
    const customer = await customerWithSms();
    const { page, problems } = await portal.open();
    await signInWithPassword(page, customer);
    await page.getByRole('button', { name: '送信', exact: true }).click();
    await page.getByLabel(CODE_FIELD).waitFor();
    const code = await latestCode(portal.server, customer.phone!);

    await page.getByLabel(CODE_FIELD).fill(wrongCodeFor(code));
    await page.getByRole('button', { name: '認証する' }).click();
    await page.getByRole('alert').filter({ hasText: '認証コードが正しくありません。あと4回入力できます。' }).waitFor();
    await screenshot(page, '20-code-wrong');

    // Five minutes and a second later the code has expired; 再送信 is offered at once.
    portal.server.clock.advance(5 * 60_000 + 1000);
    await page.getByLabel(CODE_FIELD).fill(code);
    await page.getByRole('button', { name: '認証する' }).click();
    await page.getByRole('alert').filter({ hasText: '認証コードの有効期限（5分）が切れました。' }).waitFor();
    await screenshot(page, '21-code-expired');
    const resend = page.getByRole('button', { name: '再送信', exact: true });
    expect(await resend.isEnabled()).toBe(true);
    // Expired, 再送信 is the primary act, and the only one besides giving up.
    expect(await resend.getAttribute('class')).toBe('primary');
    expect(await page.getByRole('button', { name: '認証する' }).count()).toBe(0);
    await resend.click();
    await expect.poll(() => latestCode(portal.server, customer.phone!)).not.toBe(code);
    expect(await page.getByRole('button', { name: /^再送信（\d+秒後に可能）$/ }).isDisabled()).toBe(true);
    await page.getByLabel(CODE_FIELD).fill(await latestCode(portal.server, customer.phone!));
    await page.getByRole('button', { name: '認証する' }).click();
    await heading(page, 'マイページ');
    expect(problems).toEqual([]);
  });

  it('ends a challenge after five wrong codes and starts again from the password', async () => {
    const customer = await customerWithSms();
    const { page } = await portal.open();
    await signInWithPassword(page, customer);
    await page.getByRole('button', { name: '送信', exact: true }).click();
    await page.getByLabel(CODE_FIELD).waitFor();
    const wrong = wrongCodeFor(await latestCode(portal.server, customer.phone!));
    for (let left = 4; left >= 1; left--) {
      await page.getByLabel(CODE_FIELD).fill(wrong);
      await page.getByRole('button', { name: '認証する' }).click();
      await page.getByRole('alert').filter({ hasText: `あと${left}回入力できます。` }).waitFor();
    }
    await page.getByLabel(CODE_FIELD).fill(wrong);
    await page.getByRole('button', { name: '認証する' }).click();
    await page.getByRole('alert').filter({ hasText: '認証コードの誤りが続いたため、この認証は無効になりました。' }).waitFor();
    expect(await page.getByLabel(CODE_FIELD).count()).toBe(0);
    await screenshot(page, '22-code-dead');
    await page.getByRole('button', { name: '最初からやり直す' }).click();
    await heading(page, 'ログイン');
    expect((await page.request.get('/api/v1/me')).status()).toBe(401);
  });

  it('says so when the whole sign-in challenge has expired', async () => {
    const customer = await customerWithSms();
    const { page } = await portal.open();
    await signInWithPassword(page, customer);
    await page.getByRole('button', { name: '送信', exact: true }).click();
    await page.getByLabel(CODE_FIELD).waitFor();
    const code = await latestCode(portal.server, customer.phone!);
    portal.server.clock.advance(15 * 60_000 + 1000);
    await page.getByLabel(CODE_FIELD).fill(code);
    await page.getByRole('button', { name: '認証する' }).click();
    await page.getByRole('alert').filter({ hasText: '認証の有効期限が切れました。最初からやり直してください。' }).waitFor();
    expect(await page.getByRole('button', { name: '最初からやり直す' }).isVisible()).toBe(true);
  });
});
