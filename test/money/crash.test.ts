import { afterAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import type { HttpClient } from '../support/http-client.js';
import { BANK, checkLedgerInvariants, newKey } from './money-support.js';
import { freshProcessDatabase, type ProcessDatabase } from './process-database.js';
import { startProcessServer, type ProcessServer } from './process-server.js';

// A server killed with SIGKILL in the middle of a stream of withdrawals: nothing half-done may
// survive. After a restart, the ledger adds up, every 201 the clients saw is in it, and every
// key sent before the crash either replays its first result or runs now — never twice.

const OPENING = 10_000_000;

interface Sent {
  key: string;
  amount: number;
  /** The 201's withdrawal id, or undefined when the answer never came (or was not 201). */
  id?: string;
  status?: number;
}

async function stream(client: HttpClient, tradingPassword: string, log: Sent[], stop: { now: boolean }): Promise<void> {
  while (!stop.now) {
    const sent: Sent = { key: newKey('crash'), amount: 1 + Math.floor(Math.random() * 50_000) };
    log.push(sent);
    try {
      const response = await client.post('/api/v1/withdrawals', { amount: sent.amount, tradingPassword, idempotencyKey: sent.key });
      sent.status = response.status;
      if (response.status === 201) sent.id = response.body.id;
    } catch {
      return; // the connection died with the server
    }
  }
}

describe('a crash in the middle of withdrawals', () => {
  let database: ProcessDatabase;
  const servers: ProcessServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.kill('SIGKILL');
    await database?.drop();
  });

  it('keeps the ledger whole, and every 201 in it, after SIGKILL and restart', async () => {
    database = await freshProcessDatabase();
    const first = await startProcessServer(database.url);
    servers.push(first);
    const customer = await createCustomer(first.asTestServer(), { cash: OPENING, bankAccount: BANK });
    const browser = first.client();
    expect((await signInWithPassword(browser, customer)).status).toBe(200);

    const log: Sent[] = [];
    const stop = { now: false };
    const workers = Array.from({ length: 6 }, () => stream(browser, customer.tradingPassword, log, stop));
    while (log.filter((s) => s.status === 201).length < 40) {
      // A refusal before the crash is a failure of its own, said as such (not a time-out).
      const refused = log.find((s) => s.status !== undefined && s.status !== 201);
      if (refused) throw new Error(`a withdrawal was answered ${refused.status} before the crash`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await first.kill('SIGKILL');
    stop.now = true;
    await Promise.all(workers);

    const answered = log.filter((s) => s.id !== undefined);
    expect(answered.length).toBeGreaterThanOrEqual(40);
    // The kill cut requests off mid-flight: their answers never came.
    expect(log.some((s) => s.status === undefined)).toBe(true);
    for (const s of log) if (s.status !== undefined) expect(s.status).toBe(201);

    const second = await startProcessServer(database.url);
    servers.push(second);
    const handle = database.open();
    try {
      await checkLedgerInvariants(handle.db);
      const stored = await (handle.db as unknown as Kysely<any>).selectFrom('withdrawals').select(['id', 'amount']).execute();
      const byId = new Map(stored.map((w) => [w.id as string, Number(w.amount)]));
      for (const s of answered) expect(byId.get(s.id!), `withdrawal ${s.id} answered 201`).toBe(s.amount);

      // Every key again, on the restarted server: the answered ones replay, the lost ones run once.
      const again = second.adopt(browser);
      for (const s of log) {
        const response = await again.post('/api/v1/withdrawals', { amount: s.amount, tradingPassword: customer.tradingPassword, idempotencyKey: s.key });
        expect(response.status).toBe(201);
        if (s.id !== undefined) expect(response.body.id).toBe(s.id);
        s.id = response.body.id;
      }
      await checkLedgerInvariants(handle.db);
      const spent = log.reduce((sum, s) => sum + s.amount, 0);
      expect((await again.get('/api/v1/account')).body.cash.available).toBe(OPENING - spent);
    } finally {
      await handle.close();
    }
    // Two server processes and some hundred argon2id hashes in turn: 10-14 s alone, past 30 s beside the rest of
    // the PostgreSQL suite on two cores (CI, 2 December), as the other tests that start processes allow for.
  }, 120_000);
});
