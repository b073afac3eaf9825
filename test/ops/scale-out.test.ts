import { afterAll, beforeAll, expect, it } from 'vitest';
import { HttpClient } from '../support/http-client.js';
import { describeOn } from '../support/harness.js';
import { openAccountOn, SpreadClient, startOnPostgres, startOnSqliteFile, stopAll, type ServeProcess } from './processes.js';

// Three stateless `kabuto serve` processes on one PostgreSQL database: everything that must hold
// across processes (attempt limits, locks, sessions, idempotency) lives in the database.

const BANK = { bankName: 'みずほ銀行', branchName: '兜町支店', accountNumber: '7654321', holderName: 'カブト ハナコ' };
let processes: ServeProcess[] = [];
let counter = 0;

function e164(national: string): string {
  return `+81${national.replace(/-/g, '').slice(1)}`;
}

async function openAccount(extra: Record<string, unknown> = {}) {
  counter += 1;
  // Opened through a process of its own choosing: any instance serves the admin API.
  return openAccountOn(processes[counter % processes.length]!.url, 'multi', extra);
}

async function latestCode(phone: string, on: number): Promise<string> {
  const messages = (await new HttpClient(processes[on]!.url).get(`/api/dev/outbox?to=${encodeURIComponent(e164(phone))}`)).body as Array<{ body: string }>;
  const match = messages.map((m) => m.body.match(/(?:コード: |コードは、)([0-9、]+)/)).find((m) => m !== null);
  if (!match) throw new Error(`no code for ${phone}`);
  return match[1]!.replace(/、/g, '');
}

describeOn('postgres', 'three processes on one PostgreSQL database', () => {
  beforeAll(async () => {
    // Started together, as an orchestrator would: their migrations race and must settle.
    processes = await startOnPostgres(3);
  }, 90_000);

  afterAll(() => stopAll(processes));

  it('keeps a session across processes, and ends it everywhere at sign-out', async () => {
    const customer = await openAccount();
    const browser = new SpreadClient(processes.map((p) => p.url));
    expect((await browser.request('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password }, 0)).status).toBe(200);
    for (const on of [1, 2, 0]) expect((await browser.request('GET', '/api/v1/me', undefined, on)).status).toBe(200);
    expect((await browser.request('POST', '/api/v1/logout', {}, 2)).status).toBe(204);
    const stolen = new SpreadClient(processes.map((p) => p.url));
    expect((await browser.request('GET', '/api/v1/me', undefined, 1)).status).toBe(401);
    expect((await stolen.request('GET', '/api/v1/me')).status).toBe(401);
  });

  it('counts wrong passwords across processes: a concurrent burst locks the account once', async () => {
    const customer = await openAccount();
    const attackers = processes.map((p) => new HttpClient(p.url));
    const burst = await Promise.all(Array.from({ length: 9 }, (_, i) => attackers[i % 3]!.post('/api/v1/login', { loginId: customer.loginId, password: `guess number ${i} here` })));
    for (const answer of burst) expect(answer.status).toBe(401);
    // Locked for every process, even with the right password.
    for (const client of attackers) expect((await client.post('/api/v1/login', { loginId: customer.loginId, password: customer.password })).status).toBe(401);
    const notices = (await attackers[0]!.get(`/api/dev/outbox?to=${encodeURIComponent(`${customer.loginId}@example.jp`)}`)).body as Array<{ body: string }>;
    expect(notices.filter((n) => /ログインを停止/.test(n.body))).toHaveLength(1);
  });

  it('holds the code budget across processes: a spread burst of wrong codes gets at most 5 tries', async () => {
    const customer = await openAccount();
    const browser = new SpreadClient(processes.map((p) => p.url));
    expect((await browser.request('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password })).status).toBe(200);
    // SMS on, proved by a code read from the outbox of another process.
    const step = await browser.request('PUT', '/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword });
    expect(step.status).toBe(403);
    expect((await browser.request('POST', `/api/v1/challenges/${step.body.challenge.id}/sms`, {})).status).toBe(200);
    // The resend interval is shared too: another process refuses a resend right away.
    expect((await browser.request('POST', `/api/v1/challenges/${step.body.challenge.id}/sms`, {})).body.error).toBe('resend_too_soon');
    const verified = await browser.request('POST', `/api/v1/challenges/${step.body.challenge.id}/verify`, { method: 'sms', code: await latestCode(customer.phone, 2) });
    expect(verified.status).toBe(200);
    const done = await browser.request('PUT', '/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword, challengeId: step.body.challenge.id });
    expect(done.status, JSON.stringify(done.body)).toBe(200);

    const attacker = new SpreadClient(processes.map((p) => p.url));
    const login = await attacker.request('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password });
    expect(login.body.status).toBe('second_factor_required');
    const id = login.body.challenge.id;
    expect((await attacker.request('POST', `/api/v1/challenges/${id}/sms`, {})).status).toBe(200);
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => attacker.request('POST', `/api/v1/challenges/${id}/verify`, { method: 'sms', code: String(100000 + i) })));
    expect(guesses.filter((g) => g.status === 400).length).toBeLessThanOrEqual(5);
    expect(guesses.filter((g) => g.status === 429).length).toBeGreaterThanOrEqual(7);
    // Dead for every process, even with the right code.
    const code = await latestCode(customer.phone, 1);
    for (const on of [0, 1, 2]) expect((await attacker.request('POST', `/api/v1/challenges/${id}/verify`, { method: 'sms', code }, on)).status).toBe(429);
  });

  it('moves money once for one idempotency key, whichever processes the repeats reach', async () => {
    const customer = await openAccount({ cash: 500_000, bankAccount: BANK });
    const browser = new SpreadClient(processes.map((p) => p.url));
    expect((await browser.request('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password })).status).toBe(200);
    const request = { amount: 100_000, tradingPassword: customer.tradingPassword, idempotencyKey: `multi-${process.pid}-${Date.now()}` };
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => browser.request('POST', '/api/v1/withdrawals', request, i % 3)));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const account = await browser.request('GET', '/api/v1/account');
    expect(account.body.cash.available + account.body.cash.pending).toBe(400_000);
    const reused = await browser.request('POST', '/api/v1/withdrawals', { ...request, amount: 1_000 });
    expect(reused.body.error).toBe('idempotency_key_reused');
  });
});

// On SQLite, several processes on one file is what a rolling restart does for a moment (the old and
// the new server both up): nothing either keeps in memory may be needed by the other.
describeOn('sqlite', 'two processes on one SQLite file (a rolling restart)', () => {
  beforeAll(async () => {
    // One after the other, as a restart does: the second finds the schema migrated.
    processes = await startOnSqliteFile();
  }, 90_000);

  afterAll(() => stopAll(processes));

  it('keeps the session and the attempt count when the next request reaches the other process', async () => {
    const customer = await openAccount();
    const browser = new SpreadClient(processes.map((p) => p.url));
    expect((await browser.request('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password }, 0)).status).toBe(200);
    expect((await browser.request('GET', '/api/v1/me', undefined, 1)).status).toBe(200);
    const attacker = new SpreadClient(processes.map((p) => p.url));
    for (let i = 0; i < 5; i++) expect((await attacker.request('POST', '/api/v1/login', { loginId: customer.loginId, password: `wrong guess ${i} here` })).status).toBe(401);
    // Five wrong in a row across both processes: locked, even with the right password.
    expect((await attacker.request('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password }, 1)).status).toBe(401);
  });
});
