import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, signedInWithSms } from '../support/flows.js';
import { BANK } from '../factors/support/factor-flows.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { heading, signInWithSms } from './support/steps.js';

// Every screen of the portal, in Japanese and in English, at 1280 and 375 px, through axe-core (WCAG 2.2 AA,
// zero violations: the screenshot helper runs it), with the page heading focused on arrival.

const SCREENS: Array<[path: string, ja: string, en: string]> = [
  ['/mypage', 'マイページ', 'My page'],
  ['/order', '注文', 'Order'],
  ['/withdrawal', '出金', 'Withdrawal'],
  ['/history/cash', '入出金履歴', 'Cash history'],
  ['/history/orders', '取引履歴', 'Trade history'],
  ['/history/logins', 'ログイン履歴', 'Sign-in history'],
  ['/history/security', 'セキュリティ履歴', 'Security history'],
  ['/settings', '登録情報', 'Registration'],
  ['/settings/mfa', '二要素認証', 'Two-factor authentication'],
  ['/settings/passkeys', 'パスキー', 'Passkeys'],
  ['/settings/totp', '認証アプリ', 'Authenticator app'],
  ['/settings/recovery-codes', 'リカバリーコード', 'Recovery codes'],
  ['/settings/phone', '電話認証番号', 'Phone number for verification'],
  ['/settings/password', 'ログインパスワードの変更', 'Change login password'],
  ['/settings/trading-password', '取引パスワードの変更', 'Change trading password'],
  ['/settings/email', 'メールアドレスの変更', 'Change e-mail address'],
  ['/settings/address', 'ご住所の変更', 'Change address'],
  ['/settings/bank-account', '出金先口座の登録・変更', 'Bank account for withdrawals'],
  ['/security', 'セキュリティ', 'Security'],
  ['/security/about', 'セキュリティについて', 'About security'],
];

describe('every screen through axe-core, both languages, both widths', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('has no WCAG 2.2 AA violation and focuses each page heading on arrival', async () => {
    const { customer } = await signedInWithSms(portal.server, await createCustomer(portal.server, { cash: 300_000, bankAccount: BANK }), 'all');
    const { page, problems } = await portal.open();
    await page.goto('/login');
    await heading(page, 'ログイン');
    await screenshot(page, 'a11y-ja-login');
    await signInWithSms(portal.server, page, customer);
    for (const language of ['ja', 'en'] as const) {
      if (language === 'en') await page.getByRole('button', { name: 'Switch to English' }).click();
      for (const [path, ja, en] of SCREENS) {
        const title = language === 'ja' ? ja : en;
        await page.evaluate((to) => {
          window.history.pushState(null, '', to);
          window.dispatchEvent(new PopStateEvent('popstate'));
        }, path);
        await heading(page, title);
        await page.waitForLoadState('networkidle');
        await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
        await screenshot(page, `a11y-${language}${path.replace(/\//g, '-')}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
