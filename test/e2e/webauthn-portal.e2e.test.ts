import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/domain/factors/totp.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { createCustomer } from '../support/flows.js';
import { base32Decode } from '../factors/support/factor-flows.js';
import { WEB_DIST, screenshot } from './support/portal.js';
import { heading, signInWithPassword } from './support/steps.js';

// The portal's factor screens in Chromium with the DevTools virtual authenticator. The portal is
// opened at `localhost` (a passkey's RP ID must be a domain, not 127.0.0.1).

const CHROMIUM = process.env.KABUTO_E2E_CHROMIUM ?? '/usr/bin/chromium';

describe('portal: passkeys, authenticator app and recovery codes', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let forgetPasskeys: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}/index.html`)) throw new Error('web/dist is missing: npm run build:web');
    server = await startTestServer({ env: { KABUTO_WEB_ROOT: WEB_DIST } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ baseURL: server.url.replace('127.0.0.1', 'localhost'), locale: 'ja-JP', viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    // The sign-in page offers passkeys in the login ID's autofill (conditional mediation, issue 16.6): the
    // virtual authenticator answers that at once, so a test that signs in with a password forgets them first.
    forgetPasskeys = async () => {
      await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    };
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('registers a passkey on its screen and signs in with the passkey button', async () => {
    const customer = await createCustomer(server);
    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');

    await page.goto('/settings');
    await page.getByRole('link', { name: 'パスキー', exact: true }).click();
    await heading(page, 'パスキー');
    await page.getByLabel('パスキーの名前（例: iPhone）').fill('この端末');
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await page.getByRole('button', { name: 'パスキーを登録' }).click();
    await page.getByText('パスキー「この端末」を登録しました').waitFor();
    await page.getByRole('list', { name: 'パスキー' }).getByText('この端末', { exact: true }).waitFor();
    await screenshot(page, 'passkeys');
    // Removal asks first, and やめる leaves the passkey in place.
    await page.getByRole('button', { name: /削除.*この端末/ }).click();
    await heading(page, 'パスキー「この端末」を削除しますか');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('パスキー「この端末」を削除しますか');
    await screenshot(page, 'passkey-remove-confirm');
    await page.getByRole('button', { name: 'やめる' }).click();
    await page.getByRole('button', { name: 'パスキーを登録' }).waitFor();
    expect(await page.getByRole('list', { name: 'パスキー' }).getByText('この端末', { exact: true }).count()).toBe(1);

    await page.getByRole('button', { name: 'ログアウト' }).click();
    // The sign-in page offers the passkey at once, in the login ID field's autofill (conditional
    // mediation); the virtual authenticator picks it as a customer would, and the customer is in. (The
    // button's own ceremony: the next test, and test/e2e/webauthn.e2e.test.ts.)
    await heading(page, 'マイページ');
  });

  it('a dismissed passkey dialog is said in words (web/src/i18n/error-text.ts), at registration and at sign-in', async () => {
    const customer = await createCustomer(server);
    const context = await browser.newContext({ baseURL: server.url.replace('127.0.0.1', 'localhost'), locale: 'ja-JP', viewport: { width: 1280, height: 800 } });
    try {
      // The customer closes the browser's passkey dialog: WebAuthn rejects with NotAllowedError.
      await context.addInitScript(() => {
        const dismissed = () => Promise.reject(new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError'));
        navigator.credentials.create = dismissed;
        navigator.credentials.get = dismissed;
      });
      const dismissing = await context.newPage();
      dismissing.setDefaultTimeout(10_000);
      await signInWithPassword(dismissing, customer);
      await heading(dismissing, 'マイページ');
      await dismissing.goto('/settings/passkeys');
      await heading(dismissing, 'パスキー');
      await dismissing.getByLabel('取引パスワード').fill(customer.tradingPassword);
      await dismissing.getByRole('button', { name: 'パスキーを登録' }).click();
      await dismissing.getByRole('alert').filter({ hasText: 'パスキーの作成が取り消されました。' }).waitFor();
      expect(await dismissing.getByText('The operation either timed out').count()).toBe(0);

      await dismissing.getByRole('button', { name: 'ログアウト' }).click();
      await dismissing.getByRole('button', { name: 'パスキーでログイン' }).click();
      await dismissing.getByRole('alert').filter({ hasText: 'パスキーでの認証が取り消されました。' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('enrols an authenticator app from the QR screen and shows recovery codes once', async () => {
    const customer = await createCustomer(server);
    await page.context().clearCookies();
    await forgetPasskeys();
    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');

    await page.goto('/settings/totp');
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await page.getByRole('button', { name: '認証アプリを登録' }).click();
    await expect.poll(() => page.locator('img[src^="data:image/png"]').count()).toBe(1);
    // The QR image's text alternative names it; it never reads out the otpauth:// URI and its secret.
    const alt = (await page.locator('img[src^="data:image/png"]').getAttribute('alt')) ?? '';
    expect(alt).toContain('QRコード');
    expect(alt).not.toMatch(/otpauth|secret=/i);
    await screenshot(page, 'totp-qr');
    const key = (await page.locator('code.secret').innerText()).replace(/\s/g, '');
    await page.getByLabel('アプリに表示された6桁のコード').fill(totpCodeAt(base32Decode(key), server.clock.now()));
    await page.getByRole('button', { name: '確認して登録' }).click();
    await page.getByText('認証アプリを登録しました。').waitFor();

    await page.goto('/settings/recovery-codes');
    await page.getByText('発行されていません。').waitFor();
    await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await page.getByRole('button', { name: '新しいリカバリーコードを発行' }).click();
    await expect.poll(() => page.locator('ol.recovery-codes li').count()).toBe(10);
    // Kept safe by download (a file made in the browser), copy or print.
    const shown = (await page.locator('ol.recovery-codes li').allTextContents()).map((c) => c.trim());
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'ダウンロード' }).click()]);
    const file = await readFile((await download.path())!, 'utf8');
    for (const code of shown) expect(file).toContain(code);
    expect(await page.getByRole('button', { name: 'コピー' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: '印刷' }).isVisible()).toBe(true);
    await page.getByText('残り 10 / 10 個').waitFor();
    await screenshot(page, 'recovery-codes');
    // Shown once: a reload shows the count, never the codes.
    await page.reload();
    await page.getByText('残り 10 / 10 個').waitFor();
    expect(await page.locator('ol.recovery-codes li').count()).toBe(0);
  });
});
