import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, pruneCutoffs } from '../../src/cli/prune.js';
import { createPolicy } from '../../src/domain/kernel/policy.js';
import { pruneExpired } from '../../src/store/retention.js';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import { describeOn } from '../support/harness.js';
import { kabutoCli, useSharedServer } from './ops-support.js';

const DAY = 24 * 3_600_000;
const { server, cliEnv, dir } = useSharedServer();

const db = () => server.kabuto.database.db;
const count = async (table: 'challenges' | 'sessions' | 'outbox' | 'throttleEvents') =>
  Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('kabuto prune', () => {
  it('deletes what nothing can use any more, in batches, while the server keeps serving', async () => {
    // Old: a session, a challenge with a code sent, a failed sign-in, notices in the outbox.
    const old = await createCustomer(server);
    const oldClient = server.client();
    expect((await signInWithPassword(oldClient, old)).status).toBe(200);
    const step = await oldClient.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: old.tradingPassword });
    expect((await oldClient.post(`/api/v1/challenges/${step.body.challenge.id}/sms`)).status).toBe(200);
    await server.client().post('/api/v1/login', { loginId: old.loginId, password: 'not the password at all' });

    server.clock.advance(8 * DAY);
    const fresh = await createCustomer(server);
    const freshClient = server.client();
    expect((await signInWithPassword(freshClient, fresh)).status).toBe(200);
    await server.client().post('/api/v1/login', { loginId: fresh.loginId, password: 'not the password either' });
    const freshStep = await freshClient.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: fresh.tradingPassword });
    expect((await freshClient.post(`/api/v1/challenges/${freshStep.body.challenge.id}/sms`)).status).toBe(200);
    // The notices of those requests are delivered to the outbox a moment after their commits: all of them first.
    await server.kabuto.notices.drain();
    const before = { challenges: await count('challenges'), sessions: await count('sessions'), outbox: await count('outbox'), throttleEvents: await count('throttleEvents') };

    const cutoffs = pruneCutoffs(server.clock.now(), DEFAULT_RETENTION, createPolicy());
    // Requests keep coming while the prune runs, in batches of two rows.
    const [counts, ...answers] = await Promise.all([
      pruneExpired(server.kabuto.database, cutoffs, { batchSize: 2, pauseMs: 1 }),
      ...Array.from({ length: 5 }, () => freshClient.get('/api/v1/me')),
    ]);
    for (const answer of answers) expect(answer.status).toBe(200);

    expect(counts.challenges).toBeGreaterThanOrEqual(1);
    expect(counts.sessions).toBe(1);
    expect(counts.outbox).toBeGreaterThanOrEqual(1);
    expect(counts.throttleEvents).toBeGreaterThanOrEqual(3);
    // What remains is exactly the fresh rows: nothing recent was touched.
    expect(await count('sessions')).toBe(before.sessions - counts.sessions);
    expect(await count('throttleEvents')).toBeGreaterThanOrEqual(3);
    expect(await count('challenges')).toBe(before.challenges - counts.challenges);
    expect(await count('challenges')).toBeGreaterThanOrEqual(1);
    expect(await count('outbox')).toBe(before.outbox - counts.outbox);
    expect(await count('outbox')).toBeGreaterThanOrEqual(1);
    expect((await freshClient.get('/api/v1/me')).status).toBe(200);
    expect((await oldClient.get('/api/v1/me')).status).toBe(401);
    // A second run finds nothing more.
    expect(await pruneExpired(server.kabuto.database, cutoffs)).toEqual({ challenges: 0, sessions: 0, outbox: 0, throttleEvents: 0, notices: 0, replacedContacts: 0 });
  });

  it('forgets replaced contacts once the cooling-off window they are told in has passed, and keeps the recent ones', async () => {
    const customers = server.kabuto.deps.store.customers;
    const customer = (await customers.findByLoginId((await createCustomer(server)).loginId))!;
    const now = server.clock.now();
    const policy = createPolicy();
    await customers.recordReplacedContact(customer.id, { kind: 'email', value: 'old-before-window@example.jp', phoneType: null, replacedAt: now - policy.coolingOffMs - 60_000 });
    await customers.recordReplacedContact(customer.id, { kind: 'phone', value: '+819011112222', phoneType: 'mobile', replacedAt: now - 60_000 });
    const counts = await pruneExpired(server.kabuto.database, pruneCutoffs(now, DEFAULT_RETENTION, policy), { batchSize: 1, pauseMs: 0 });
    expect(counts.replacedContacts).toBe(1);
    const kept = await customers.replacedContactsSince(customer.id, 0);
    expect(kept.map((c) => c.value)).toEqual(['+819011112222']);
  });

  it('refuses a retention shorter than the attempt limits look back (it would reset them)', () => {
    expect(() => pruneCutoffs(Date.now(), { ...DEFAULT_RETENTION, eventHours: 2 }, createPolicy())).toThrowError(/at least 24/);
  });

  it('runs from the command line', async () => {
    const { stdout } = await kabutoCli(await cliEnv(), 'prune', '--batch', '100');
    expect(stdout).toMatch(/^challenges: \d+ deleted\nsessions: \d+ deleted\noutbox: \d+ deleted\nthrottleEvents: \d+ deleted$/m);
    await expect(kabutoCli(await cliEnv(), 'prune', '--event-hours', '1')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('at least 24') });
  });
});

describeOn('sqlite', 'kabuto backup (SQLite)', () => {
  it('copies the live database to a new file, and never overwrites one', async () => {
    const customer = await createCustomer(server);
    const file = join(dir(), 'backup.db');
    const { stdout } = await kabutoCli(await cliEnv(), 'backup', file);
    expect(stdout).toContain(`to ${file}`);
    const copy = new SQLite(file, { readonly: true });
    try {
      expect(copy.prepare('select login_id from customers where login_id = ?').get(customer.loginId)).toEqual({ login_id: customer.loginId });
    } finally {
      copy.close();
    }
    await expect(kabutoCli(await cliEnv(), 'backup', file)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('exists') });
  });
});

describeOn('postgres', 'kabuto backup (PostgreSQL)', () => {
  it('points to pg_dump instead of pretending', async () => {
    const file = join(dir(), 'backup.db');
    await expect(kabutoCli(await cliEnv(), 'backup', file)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('pg_dump') });
    expect(existsSync(file)).toBe(false);
  });
});
