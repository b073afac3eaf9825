import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, enableSms, signInWithPassword } from '../support/flows.js';
import type { HttpClient } from '../support/http-client.js';
import { dialect } from '../support/harness.js';
import { BANK, checkLedgerInvariants, newKey } from './money-support.js';
import { freshProcessDatabase, type ProcessDatabase } from './process-database.js';
import { startProcessServer, type ProcessServer } from './process-server.js';

// Two server processes on one database, requests alternating between them: what one process
// counts or spends, the other sees. PostgreSQL is the deployment this is for; on SQLite the two
// processes share one file (WAL, one writer at a time), and the same must hold.

describe(`two server processes on one ${dialect} database`, () => {
  let database: ProcessDatabase;
  let a: ProcessServer;
  let b: ProcessServer;
  beforeAll(async () => {
    database = await freshProcessDatabase();
    // One after the other: the first migrates, the second finds the schema ready.
    a = await startProcessServer(database.url);
    b = await startProcessServer(database.url);
  }, 60_000);
  afterAll(async () => {
    await a?.kill('SIGKILL');
    await b?.kill('SIGKILL');
    await database?.drop();
  });

  /** One browser whose requests alternate between the two servers. */
  async function signedIn(cash: number) {
    const customer = await createCustomer(a.asTestServer(), { cash, bankAccount: BANK });
    const browser = a.client();
    expect((await signInWithPassword(browser, customer)).status).toBe(200);
    const via = [browser, b.adopt(browser)] as const;
    return { customer, browser, via: (i: number): HttpClient => via[i % 2]! };
  }

  it('lets exactly the affordable number of 50 parallel withdrawals through across both', async () => {
    const { customer, via } = await signedIn(1_000_000);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => via(i).post('/api/v1/withdrawals', { amount: 30_000, tradingPassword: customer.tradingPassword, idempotencyKey: newKey('two') })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(33);
    const refused = responses.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(17);
    for (const r of refused) expect(r.body.error).toBe('insufficient_cash');
    expect((await via(1).get('/api/v1/account')).body.cash.available).toBe(10_000);
    const handle = database.open();
    try {
      await checkLedgerInvariants(handle.db);
    } finally {
      await handle.close();
    }
  });

  it('moves money once for one key sent 20 times in parallel across both', async () => {
    const { customer, via } = await signedIn(100_000);
    const idempotencyKey = newKey('twice');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => via(i).post('/api/v1/withdrawals', { amount: 4_000, tradingPassword: customer.tradingPassword, idempotencyKey })),
    );
    for (const r of responses) expect(r.status).toBe(201);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect((await via(0).get('/api/v1/account')).body.cash.available).toBe(96_000);
  });

  it('counts 5 wrong trading passwords once across both: the fifth locks trading on either', async () => {
    const { customer, via } = await signedIn(100_000);
    for (let i = 0; i < 4; i++) {
      const wrong = await via(i).post('/api/v1/withdrawals', { amount: 1_000, tradingPassword: 'not-the-trading-password', idempotencyKey: newKey() });
      expect(wrong.status).toBe(401);
      expect(wrong.body.attemptsLeft).toBe(4 - i);
    }
    expect((await via(4).post('/api/v1/withdrawals', { amount: 1_000, tradingPassword: 'not-the-trading-password', idempotencyKey: newKey() })).status).toBe(423);
    for (let i = 0; i < 2; i++) {
      const right = await via(i).post('/api/v1/orders', { symbol: '7203', side: 'buy', quantity: 1, tradingPassword: customer.tradingPassword, idempotencyKey: newKey() });
      expect(right.status).toBe(423);
      expect(right.body.error).toBe('trading_locked');
    }
  });

  it('counts 5 wrong codes once across both: the challenge dies, the right code is refused, nothing moves', async () => {
    const { customer, browser, via } = await signedIn(100_000);
    await enableSms(a.asTestServer(), browser, customer, 'all');
    const first = await via(0).post('/api/v1/withdrawals', { amount: 20_000, tradingPassword: customer.tradingPassword, idempotencyKey: newKey() });
    expect(first.status).toBe(403);
    const id = first.body.challenge.id;
    expect((await via(1).post(`/api/v1/challenges/${id}/sms`)).status).toBe(200);
    const messages = await a.client().get(`/api/dev/outbox?to=${encodeURIComponent(`+81${customer.phone!.replace(/-/g, '').slice(1)}`)}`);
    const code = messages.body[0].body.match(/コード: ([0-9]{6})/)![1] as string;
    const wrongCode = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) {
      const wrong = await via(i).post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: wrongCode });
      expect(wrong.status).toBe(400);
      expect(wrong.body.attemptsLeft).toBe(4 - i);
    }
    expect((await via(4).post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: wrongCode })).status).toBe(429);
    expect((await via(5).post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code })).status).toBe(429);
    const attempt = await via(6).post('/api/v1/withdrawals', { amount: 20_000, tradingPassword: customer.tradingPassword, idempotencyKey: newKey(), challengeId: id });
    expect(attempt.status).toBe(403);
    expect(attempt.body.error).toBe('challenge_mismatch');
    expect((await via(7).get('/api/v1/account')).body.cash.available).toBe(100_000);
  });
});
