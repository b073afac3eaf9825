import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dialect } from '../support/harness.js';
import { HttpClient } from '../support/http-client.js';
import { freshSchema, openAccountOn, startServe, stopServe, type ServeProcess } from '../ops/processes.js';

// Issue 16.2: a freeze is kept in the database, not in a process: it holds across a restart (a real
// `kabuto serve` stopped and started again on the same database).

const BANK = { bankName: 'みずほ銀行', branchName: '本店', accountNumber: '1234567', holderName: 'テスト タロウ' };

describe(`a freeze survives a restart (${dialect})`, () => {
  let dir: string | undefined;
  let serve: ServeProcess | undefined;
  afterAll(async () => {
    if (serve) await stopServe(serve);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('each level still refuses exactly what it froze after the process restarts', async () => {
    let database: string | Record<string, string>;
    if (dialect === 'postgres') database = await freshSchema();
    else {
      dir = mkdtempSync(join(tmpdir(), 'kabuto-freeze-'));
      database = { KABUTO_DATABASE_URL: join(dir, 'kabuto.db') };
    }
    serve = await startServe(database);
    const accounts: Record<string, { loginId: string; password: string; tradingPassword: string }> = {};
    for (const level of ['withdrawals', 'orders', 'sign_in']) {
      const customer = await openAccountOn(serve.url, 'frz', { cash: 1_000_000, bankAccount: BANK });
      accounts[level] = customer;
      const browser = new HttpClient(serve.url);
      expect((await browser.post('/api/v1/login', { loginId: customer.loginId, password: customer.password })).status).toBe(200);
      expect((await browser.post('/api/v1/protection/freeze', { levels: [level] })).status).toBe(200);
    }
    expect(await stopServe(serve)).toBe(0);
    serve = await startServe(database);

    let key = 0;
    const tryAll = async (customer: { loginId: string; password: string; tradingPassword: string }) => {
      const browser = new HttpClient(serve!.url);
      const login = await browser.post('/api/v1/login', { loginId: customer.loginId, password: customer.password });
      if (login.status !== 200) return { login: login.body.error };
      const order = await browser.post('/api/v1/orders', { symbol: '7203', side: 'buy', quantity: 1, tradingPassword: customer.tradingPassword, idempotencyKey: `r${++key}` });
      const withdrawal = await browser.post('/api/v1/withdrawals', { amount: 1000, tradingPassword: customer.tradingPassword, idempotencyKey: `r${++key}` });
      return { login: 'ok', order: order.body.error ?? 'ok', withdrawal: withdrawal.body.error ?? 'ok' };
    };
    expect(await tryAll(accounts.withdrawals!)).toEqual({ login: 'ok', order: 'ok', withdrawal: 'account_frozen' });
    expect(await tryAll(accounts.orders!)).toEqual({ login: 'ok', order: 'account_frozen', withdrawal: 'ok' });
    expect(await tryAll(accounts.sign_in!)).toEqual({ login: 'account_frozen' });
  }, 120_000);
});
