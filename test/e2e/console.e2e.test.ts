import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperator } from '../../src/domain/operators/operators.js';
import { isFailure } from '../../src/domain/kernel/errors.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { createCustomer } from '../support/flows.js';
import { WEB_DIST } from './support/portal.js';

// The back office's console in Chromium (issue 20): two operators enrol a passkey each with the one-time
// code the CLI would print (DevTools virtual authenticators), sign in with it, and four eyes run end to end.

const CHROMIUM = process.env.KABUTO_E2E_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../docs/screenshots', import.meta.url));

describe('the console', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}/index.html`)) throw new Error('web/dist is missing: npm run build:web');
    server = await startTestServer({ env: { KABUTO_WEB_ROOT: WEB_DIST } });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function operatorBrowser(roles: string, email: string): Promise<Page> {
    const created = await createOperator(server.kabuto.deps, { email, name: email.split('@')[0]!, roles }, 'cli');
    if (isFailure(created)) throw new Error(created.code);
    const context = await browser.newContext({ baseURL: server.url.replace('127.0.0.1', 'localhost'), locale: 'ja-JP', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.goto('/console');
    // Enrolment: the one-time code, then the passkey; then a fresh sign-in with the passkey alone.
    await page.getByLabel('登録コード').fill(created.enrolmentCode);
    await page.getByRole('button', { name: 'パスキーを登録' }).click();
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.getByRole('button', { name: 'パスキーでサインイン' }).waitFor();
    return page;
  }

  it('an operator signs in with a passkey, finds a customer, requests an MFA reset, and a second operator approves it', async () => {
    const customer = await createCustomer(server);
    const desk = await operatorBrowser('support,viewer', 'desk@firm.example.jp');
    await desk.screenshot({ path: `${SHOTS}/console-sign-in-desktop.png` });
    await desk.getByRole('button', { name: 'パスキーでサインイン' }).click();
    await desk.getByText('desk (support, viewer)').waitFor();

    await desk.getByLabel('ログインID・氏名・電話番号・メールアドレス').fill(customer.email);
    await desk.getByRole('button', { name: '検索', exact: true }).click();
    await desk.getByRole('button', { name: customer.loginId }).waitFor();
    // Masked in the list.
    expect(await desk.getByText(customer.email, { exact: true }).count()).toBe(0);
    await desk.screenshot({ path: `${SHOTS}/console-search-desktop.png` });
    await desk.getByRole('button', { name: customer.loginId }).click();
    await desk.getByRole('heading', { name: `顧客 ${customer.loginId}` }).waitFor();
    // The case file reads in words, as term and value, not JSON.
    const fact = (section: string, term: string) =>
      desk.getByRole('region', { name: section, exact: true }).locator('dt').getByText(term, { exact: true }).locator('xpath=following-sibling::dd').innerText();
    for (const level of ['出金・出金先口座の変更', '注文', 'ログイン']) expect(await fact('取引制限', level)).toBe('制限なし');
    expect(await fact('取引制限', 'パスキーでの解除')).toBe('できない（本人確認のうえ窓口で解除）');
    expect(await fact('認証要素', '二要素認証の方法')).toBe('設定なし');
    expect(await fact('認証要素', '電話番号の確認')).toBe('未確認');
    expect(await fact('ロック', 'ログインロック')).toBe('ロックなし');
    expect(await fact('ロック', 'ログイン失敗回数')).toBe('0 回');
    expect(await desk.locator('pre').count()).toBe(0);
    // Nothing is frozen, so there is no unfreeze request.
    expect(await desk.getByRole('button', { name: '取引制限の解除を申請' }).count()).toBe(0);
    await desk.getByLabel('理由').fill('lost phone, identity checked by call-back');
    await desk.getByRole('button', { name: '二要素認証リセットを申請' }).click();
    await desk.getByText('申請しました。別の担当者の承認を待っています。').waitFor();
    // The request shows in the case file's approvals, in words.
    const requests = desk.getByRole('region', { name: '承認の申請', exact: true });
    await requests.getByRole('cell', { name: '二要素認証リセット', exact: true }).waitFor();
    await requests.getByRole('cell', { name: '承認待ち', exact: true }).waitFor();
    await desk.screenshot({ path: `${SHOTS}/console-case-desktop.png`, fullPage: true });
    // The desk cannot approve (no role), and nothing happened yet.
    await desk.getByRole('button', { name: '承認待ち' }).click();
    await desk.getByRole('button', { name: '承認', exact: true }).click();
    await desk.getByRole('alert').waitFor();

    const supervisor = await operatorBrowser('supervisor', 'boss@firm.example.jp');
    await supervisor.getByRole('button', { name: 'パスキーでサインイン' }).click();
    await supervisor.getByRole('button', { name: '承認待ち' }).click();
    await supervisor.getByText('lost phone, identity checked by call-back').waitFor();
    await supervisor.screenshot({ path: `${SHOTS}/console-approvals-desktop.png` });
    await supervisor.getByRole('button', { name: '承認', exact: true }).click();
    await supervisor.getByText('operator:boss@firm.example.jp').waitFor();

    const trail = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`);
    const actions = (trail.body as Array<{ action: string; actor: string }>).map((e) => `${e.action}:${e.actor}`);
    expect(actions).toEqual(expect.arrayContaining(['approval_requested:operator:desk@firm.example.jp', 'mfa_reset:operator:boss@firm.example.jp']));

    // A cohort shows as a row in words (its buckets and its date), not as JSON.
    const due = new Date(server.clock.now() + 30 * 86_400_000);
    const cohort = await server.admin().post('/api/admin/v1/migration/cohorts', { name: '第1陣', bucketFrom: 10, bucketTo: 19, dueAt: due.toISOString() });
    expect(cohort.status, JSON.stringify(cohort.body)).toBe(201);
    await supervisor.getByRole('button', { name: 'パスキー移行' }).click();
    await supervisor.getByRole('link', { name: '移行スケジュール（CSV）' }).waitFor();
    const cohorts = supervisor.getByRole('region', { name: '移行グループ' });
    const row = cohorts.getByRole('row', { name: /第1陣/ });
    await row.getByRole('cell', { name: '10–19', exact: true }).waitFor();
    expect(await row.locator('time').getAttribute('datetime')).toBe(due.toISOString());
    expect(await cohorts.textContent()).not.toContain('{');
    await supervisor.screenshot({ path: `${SHOTS}/console-migration-desktop.png` });
    await supervisor.getByRole('button', { name: '監査ログ' }).click();
    await supervisor.getByText(/ハッシュチェーンは正常です/).waitFor();
    await supervisor.screenshot({ path: `${SHOTS}/console-audit-desktop.png` });
  });
});
