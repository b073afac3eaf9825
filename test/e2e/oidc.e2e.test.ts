import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { createCustomer, latestCode, signedInWithSms } from '../support/flows.js';
import { freePort } from '../federation/support/relying-party.js';
import { WEB_DIST, screenshot } from './support/portal.js';
import { heading, sendCode } from './support/steps.js';

// Kabuto as an OpenID Provider in Chromium: a relying party (openid-client in this process, its callback a
// small HTTP server here) sends the browser to Kabuto's sign-in page (the portal), which signs in with an
// SMS code; a request for phishing resistance is answered by a passkey (the DevTools virtual
// authenticator) on the same session. The portal runs at `localhost` (a passkey's RP ID is a domain).

const CHROMIUM = process.env.KABUTO_E2E_CHROMIUM ?? '/usr/bin/chromium';
const PHR = 'urn:kabuto:acr:phr';

describe('portal: signing in to a relying party', () => {
  let server: TestServer;
  let browser: Browser;
  const callbacks: URL[] = [];
  let rpServer: Server;
  let redirectUri: string;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}/index.html`)) throw new Error('web/dist is missing: npm run build:web');
    const port = await freePort();
    server = await startTestServer({ port, env: { KABUTO_WEB_ROOT: WEB_DIST, KABUTO_PUBLIC_ORIGIN: `http://localhost:${port}`, KABUTO_OIDC_ISSUER: '1' } });
    rpServer = createServer((request, response) => {
      const url = new URL(request.url ?? '/', redirectUri);
      // The browser also asks this server for a favicon: only the callback counts.
      if (url.pathname === '/callback') callbacks.push(url);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><html lang="ja"><title>RP</title><h1>トレードサイト</h1></html>');
    });
    await new Promise<void>((resolve) => rpServer.listen(0, '127.0.0.1', resolve));
    const address = rpServer.address();
    redirectUri = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/callback`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => rpServer?.close(resolve));
    await server?.close();
  });

  const origin = () => server.url.replace('127.0.0.1', 'localhost');

  async function relyingParty() {
    const registered = await server.admin().post('/api/admin/v1/oidc/clients', { name: 'トレードサイト', authMethod: 'client_secret_basic', redirectUris: [redirectUri] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const { clientId, clientSecret } = registered.body as { clientId: string; clientSecret: string };
    const config = await oidc.discovery(new URL(`${origin()}/oidc`), clientId, clientSecret, oidc.ClientSecretBasic(clientSecret), { execute: [oidc.allowInsecureRequests] });
    return { config };
  }

  async function authorization(config: oidc.Configuration, parameters: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...parameters,
    });
    return { url, verifier, state };
  }

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: origin(), locale: 'ja-JP', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return { context, page };
  }

  /** 続ける on each of Kabuto's screens (sign-in, consent) until the relying party's callback is reached. */
  async function continueUntilCallback(page: Page, before: number) {
    for (let step = 0; step < 4 && callbacks.length === before; step++) {
      const button = page.getByRole('button', { name: '続ける', exact: true });
      await expect.poll(async () => callbacks.length > before || (await button.isVisible().catch(() => false)), { timeout: 10_000 }).toBe(true);
      if (callbacks.length > before) break;
      const at = page.url();
      // The page may already be leaving (a click racing a navigation is retried on the next screen).
      await button.click({ timeout: 2_000 }).catch(() => undefined);
      await expect.poll(() => callbacks.length > before || page.url() !== at, { timeout: 10_000 }).toBe(true);
    }
    await expect.poll(() => callbacks.length).toBeGreaterThan(before);
    return callbacks.at(-1)!;
  }

  it('code + PKCE: Kabuto\'s sign-in page with an SMS code, the relying party gets acr 2fa', async () => {
    const { customer } = await signedInWithSms(server, await createCustomer(server), 'login');
    const { config } = await relyingParty();
    const request = await authorization(config);
    const { context, page } = await newPage();
    try {
      const before = callbacks.length;
      // A slow send (as on a loaded machine): the code is read only once the send has answered.
      await page.route('**/api/v1/challenges/*/sms', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await route.continue();
      });
      await page.goto(request.url.href);
      await heading(page, 'ログイン');
      await page.getByLabel('ログインID').fill(customer.loginId);
      await page.getByLabel('ログインパスワード').fill(customer.password);
      await page.getByRole('button', { name: 'ログイン', exact: true }).click();
      // The phone's last digits on the code screen, as for every Kabuto sign-in.
      await page.getByText(`SMS送信先: ***-****-${customer.phone!.slice(-4)}`).waitFor();
      // Sent (the code's field appears with the answer): only then is the new code in the outbox; before it,
      // the outbox's latest is the code of the sign-in that set this customer up.
      await sendCode(page);
      await page.getByLabel('認証コード（6桁）').fill(await latestCode(server, customer.phone!));
      await page.getByRole('button', { name: '認証する', exact: true }).click();
      await heading(page, '連携サービスへのログイン');
      await page.getByText('トレードサイト が、Kabuto証券のアカウントでのログインを求めています。').waitFor();
      await screenshot(page, 'oidc-consent');
      const callback = await continueUntilCallback(page, before);
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
      expect(tokens.claims()!.acr).toBe('urn:kabuto:acr:2fa');
      expect(tokens.claims()!.amr).toEqual(expect.arrayContaining(['pwd', 'sms']));
    } finally {
      await context.close();
    }
  });

  it('acr_values phishing resistant: only the passkey is offered, and the virtual authenticator answers it', async () => {
    const { context, page } = await newPage();
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable', { enableUI: false });
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      const customer = await createCustomer(server);
      // Signed in by password in the portal, then a passkey registered on its screen (the virtual authenticator).
      await page.goto('/login');
      await page.getByLabel('ログインID').fill(customer.loginId);
      await page.getByLabel('ログインパスワード').fill(customer.password);
      await page.getByRole('button', { name: 'ログイン', exact: true }).click();
      await heading(page, 'マイページ');
      await page.goto('/settings/passkeys');
      await heading(page, 'パスキー');
      await page.getByLabel('パスキーの名前（例: iPhone）').fill('この端末');
      await page.getByLabel('取引パスワード').fill(customer.tradingPassword);
      await page.getByRole('button', { name: 'パスキーを登録' }).click();
      // A factor change takes a step-up: by SMS, the customer's phone.
      const send = page.getByRole('button', { name: '送信', exact: true });
      await Promise.race([send.waitFor(), page.getByText('パスキー「この端末」を登録しました').waitFor()]);
      if (await send.isVisible()) {
        await sendCode(page);
        await page.getByLabel('認証コード（6桁）').fill(await latestCode(server, customer.phone!));
        await page.getByRole('button', { name: '認証する', exact: true }).click();
        await page.getByRole('button', { name: '実行する', exact: true }).click();
      }
      await page.getByText('パスキー「この端末」を登録しました').waitFor();

      const { config } = await relyingParty();
      const request = await authorization(config, { acr_values: PHR });
      const before = callbacks.length;
      await page.goto(request.url.href);
      await heading(page, '連携サービスへのログイン');
      await page.getByText('パスキー（フィッシング対策）').waitFor();
      await page.getByRole('button', { name: '続ける', exact: true }).click();
      await page.getByRole('heading', { name: '本人確認' }).waitFor();
      // No SMS for this one: a code typed into a look-alike site could be relayed.
      expect(await page.getByRole('button', { name: '確認コードを送信' }).count()).toBe(0);
      await screenshot(page, 'oidc-passkey-step-up');
      await page.getByRole('button', { name: 'パスキーで認証する' }).click();
      const callback = await continueUntilCallback(page, before);
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
      expect(tokens.claims()!.acr).toBe(PHR);
      expect(tokens.claims()!.amr).toEqual(expect.arrayContaining(['hwk', 'user']));
    } finally {
      await context.close();
    }
  });

  it('a withdrawal approval shows the amount on the screen and in the SMS, exactly as Kabuto\'s own withdrawals', async () => {
    const customer = await createCustomer(server, { bankAccount: { bankName: 'みずほ銀行', branchName: '本店', accountNumber: '1234567', holderName: 'テスト タロウ' } });
    const registered = await server.admin().post('/api/admin/v1/oidc/clients', { name: 'トレードサイト', authMethod: 'client_secret_basic', redirectUris: [redirectUri], authorizationDetailsTypes: ['withdrawal'] });
    const { clientId, clientSecret } = registered.body as { clientId: string; clientSecret: string };
    const config = await oidc.discovery(new URL(`${origin()}/oidc`), clientId, clientSecret, oidc.ClientSecretBasic(clientSecret), { execute: [oidc.allowInsecureRequests] });
    const details = [{ type: 'withdrawal', amount: 50_000, currency: 'JPY', bankAccount: { accountNumber: '1234567' } }];
    const request = await authorization(config, { authorization_details: JSON.stringify(details) });
    const { context, page } = await newPage();
    try {
      const before = callbacks.length;
      await page.goto(request.url.href);
      await page.getByLabel('ログインID').fill(customer.loginId);
      await page.getByLabel('ログインパスワード').fill(customer.password);
      await page.getByRole('button', { name: 'ログイン', exact: true }).click();
      await heading(page, '連携サービスへのログイン');
      await page.getByRole('button', { name: '続ける', exact: true }).click();
      // The approval screen: the amount and the registered account, then the step-up.
      await page.getByText('トレードサイト が、次の出金の承認を求めています。').waitFor();
      await page.getByTestId('federation-withdrawal').getByText('50,000円').waitFor();
      await page.getByText('登録口座（末尾 4567）').waitFor();
      await page.getByRole('button', { name: '承認する', exact: true }).click();
      await page.getByTestId('challenge-summary').getByText('出金 50,000円').waitFor();
      await page.getByText(`SMS（末尾 ${customer.phone!.slice(-4)} の電話番号）`).waitFor();
      await page.getByRole('button', { name: '確認コードを送信' }).click();
      // Sent: the screen moves the focus to the code's field (the screenshot checks that looking moves no focus).
      const codeField = page.getByLabel('確認コード');
      await expect.poll(() => codeField.evaluate((field) => field === document.activeElement)).toBe(true);
      await screenshot(page, 'oidc-withdrawal-approval');
      const code = await latestCode(server, customer.phone!);
      const sms = (await server.client().get(`/api/dev/outbox?to=${encodeURIComponent(`+81${customer.phone!.replace(/-/g, '').slice(1)}`)}`)).body as Array<{ body: string }>;
      expect(sms[0]!.body).toContain('出金 50,000円の確認コード');
      await page.getByLabel('確認コード').fill(code);
      await page.getByRole('button', { name: '認証する', exact: true }).click();
      await expect.poll(() => callbacks.length).toBeGreaterThan(before);
      const tokens = await oidc.authorizationCodeGrant(config, callbacks.at(-1)!, { pkceCodeVerifier: request.verifier, expectedState: request.state });
      expect(tokens.authorization_details).toEqual([{ type: 'withdrawal', amount: 50_000, currency: 'JPY', bankAccount: { accountNumber: '1234567' } }]);
    } finally {
      await context.close();
    }
  });
});
