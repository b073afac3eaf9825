import { readFileSync } from 'node:fs';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { createCustomer, type TestCustomer } from '../support/flows.js';

// WebAuthn end to end: real Chromium, the DevTools virtual authenticator (CDP WebAuthn domain),
// @simplewebauthn/browser in a small page on the server's own origin, and the real server.
// `localhost` is a secure context, so Chromium allows WebAuthn over plain HTTP there.

const CHROMIUM = process.env.KABUTO_E2E_CHROMIUM ?? '/usr/bin/chromium';
const BROWSER_BUNDLE = readFileSync(new URL('../../node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js', import.meta.url), 'utf8');

// The page's helpers: each ceremony is options from the server, the browser API, the answer back.
const PAGE_SCRIPT = `
const post = async (path, body = {}) => {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json().catch(() => null) };
};
const { startRegistration, startAuthentication } = SimpleWebAuthnBrowser;
window.kabuto = {
  post,
  async registerPasskey(tradingPassword, name) {
    const options = await post('/api/v1/settings/passkeys/options', { tradingPassword });
    if (options.status !== 200) return options;
    const response = await startRegistration({ optionsJSON: options.body });
    return post('/api/v1/settings/passkeys', { name, response });
  },
  async signInWithPasskey() {
    const options = await post('/api/v1/login/passkey-options');
    const response = await startAuthentication({ optionsJSON: options.body });
    return post('/api/v1/login/passkey', { response });
  },
  async verifyChallengeWithPasskey(id) {
    const options = await post('/api/v1/challenges/' + id + '/passkey-options');
    if (options.status !== 200) return options;
    const response = await startAuthentication({ optionsJSON: options.body });
    return post('/api/v1/challenges/' + id + '/verify', { method: 'passkey', response });
  },
};`;

describe('passkeys in Chromium with a virtual authenticator', () => {
  let server: TestServer;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    server = await startTestServer();
    origin = server.url.replace('127.0.0.1', 'localhost');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh profile on the test page, with a platform authenticator that verifies the user. */
  async function openWithAuthenticator(): Promise<{ page: Page; cdp: CDPSession; authenticatorId: string }> {
    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    await page.route(`${origin}/webauthn-test.html`, (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>webauthn</title><script src="/webauthn-browser.js"></script><script src="/webauthn-page.js"></script>' }),
    );
    await page.route(`${origin}/webauthn-browser.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: BROWSER_BUNDLE }));
    await page.route(`${origin}/webauthn-page.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: PAGE_SCRIPT }));
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.goto('/webauthn-test.html');
    return { page, cdp, authenticatorId };
  }

  const call = (page: Page, fn: string, ...args: unknown[]) =>
    page.evaluate(([name, params]) => (window as any).kabuto[name as string](...(params as unknown[])), [fn, args] as const) as Promise<{ status: number; body: any }>;

  async function signInWithPassword(page: Page, customer: TestCustomer) {
    const result = await call(page, 'post', '/api/v1/login', { loginId: customer.loginId, password: customer.password });
    expect(result.body.status).toBe('signed_in');
  }

  it('registers a passkey, signs in with it alone, and refuses a clone whose counter is behind', async () => {
    const customer = await createCustomer(server);
    const { page, cdp, authenticatorId } = await openWithAuthenticator();
    await signInWithPassword(page, customer);
    const registered = await call(page, 'registerPasskey', customer.tradingPassword, 'Chromium');
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    expect(registered.body.name).toBe('Chromium');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    const snapshot = credentials[0]!;

    await call(page, 'post', '/api/v1/logout');
    expect((await call(page, 'post', '/api/v1/login/passkey-options')).body.userVerification).toBe('required');
    const first = await call(page, 'signInWithPasskey');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'signed_in', customer: { loginId: customer.loginId } });
    expect(await page.evaluate(() => fetch('/api/v1/me').then((r) => r.status))).toBe(200);
    await call(page, 'post', '/api/v1/logout');
    expect((await call(page, 'signInWithPasskey')).status).toBe(200);
    await call(page, 'post', '/api/v1/logout');

    // A copy of the key taken at registration (a cloned authenticator): its counter is behind.
    const clone = await openWithAuthenticator();
    await clone.cdp.send('WebAuthn.addCredential', { authenticatorId: clone.authenticatorId, credential: { ...snapshot, signCount: snapshot.signCount } });
    const cloned = await call(clone.page, 'signInWithPasskey');
    expect(cloned.status).toBe(401);
    expect(cloned.body.error).toBe('invalid_credentials');
    expect(server.logs.some((line) => line.includes('passkey_counter_regression'))).toBe(true);

    // The genuine authenticator still works.
    expect((await call(page, 'signInWithPasskey')).status).toBe(200);
  });

  it('verifies a withdrawal challenge with the passkey', async () => {
    const customer = await createCustomer(server, { cash: 200_000, bankAccount: { bankName: 'ゆうちょ銀行', branchName: '〇一八', accountNumber: '1234567', holderName: 'テスト' } });
    const { page } = await openWithAuthenticator();
    await signInWithPassword(page, customer);
    expect((await call(page, 'registerPasskey', customer.tradingPassword, 'Chromium')).status).toBe(201);
    // 2FA with the passkey, scope all: withdrawals step up.
    expect((await page.evaluate((tp) => fetch('/api/v1/settings/mfa', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'passkey', scope: 'all', tradingPassword: tp }) }).then((r) => r.status), customer.tradingPassword))).toBe(200);
    const withdrawal = { amount: 30_000, tradingPassword: customer.tradingPassword, idempotencyKey: 'e2e-passkey-1' };
    const first = await call(page, 'post', '/api/v1/withdrawals', withdrawal);
    expect(first.status).toBe(403);
    const verified = await call(page, 'verifyChallengeWithPasskey', first.body.challenge.id);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    const done = await call(page, 'post', '/api/v1/withdrawals', { ...withdrawal, challengeId: first.body.challenge.id });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
  });
});
