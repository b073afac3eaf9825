import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { dialect, type TestServer, useTestServer } from '../support/harness.js';
import { moneyCustomer } from '../money/money-support.js';
import { createCustomer, outbox } from '../support/flows.js';
import { ADDRESSES, attackerAt, seedVictim, signInRelayingCode } from '../risk/support.js';

// Issue 13.1: a notice is written in the same transaction as the change it reports. Here the
// notice queue refuses every insert (a trigger), standing in for a crash between the change and
// its notice: the change must not stand without its notice. Before, a lock or a trade committed
// first and its notice was queued afterwards, so it stood alone; now both roll back together, and
// once the queue takes rows again the change is made with its notice.

async function refuseNotices(server: TestServer, refuse: boolean): Promise<void> {
  const db = server.kabuto.database.db;
  if (dialect === 'sqlite') {
    if (refuse) await sql`create trigger refuse_notices before insert on notice_queue begin select raise(abort, 'notice queue down'); end`.execute(db);
    else await sql`drop trigger refuse_notices`.execute(db);
    return;
  }
  if (refuse) {
    await sql`create function refuse_notices() returns trigger language plpgsql as $$ begin raise exception 'notice queue down'; end $$`.execute(db);
    await sql`create trigger refuse_notices before insert on notice_queue for each row execute function refuse_notices()`.execute(db);
  } else {
    await sql`drop trigger refuse_notices on notice_queue`.execute(db);
    await sql`drop function refuse_notices()`.execute(db);
  }
}

describe('fault: a change and its notice commit together', () => {
  const server = useTestServer({}, { per: 'suite' });

  it('a login lock does not stand without the owner’s lock notice', async () => {
    const customer = await createCustomer(server);
    const wrong = (i: number) => server.client().post('/api/v1/login', { loginId: customer.loginId, password: `wrong guess number ${i}` });
    for (let i = 0; i < 4; i++) expect((await wrong(i)).status).toBe(401);
    await refuseNotices(server, true);
    try {
      expect((await wrong(4)).status).toBeGreaterThanOrEqual(500);
      expect((await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.lockedUntil).toBeNull();
    } finally {
      await refuseNotices(server, false);
    }
    // The queue is back: the next wrong password locks, with the notice.
    expect((await wrong(5)).status).toBe(401);
    expect((await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.lockedUntil).not.toBeNull();
    expect((await outbox(server, customer.email)).filter((m) => m.subject?.includes('ログインを一時的に停止しました'))).toHaveLength(1);
  });

  it('an order does not execute without its 約定通知', async () => {
    const { customer, client } = await moneyCustomer(server, { cash: 1_000_000 });
    const instruments = (await client.get('/api/v1/instruments')).body as Array<{ symbol: string }>;
    const order = (key: string) => client.post('/api/v1/orders', { symbol: instruments[0]!.symbol, side: 'buy', quantity: 1, tradingPassword: customer.tradingPassword, idempotencyKey: key });
    const cashBefore = (await client.get('/api/v1/account')).body.cash.available as number;
    await refuseNotices(server, true);
    try {
      expect((await order('order-atomic-1')).status).toBeGreaterThanOrEqual(500);
      expect((await client.get('/api/v1/account')).body.cash.available).toBe(cashBefore);
    } finally {
      await refuseNotices(server, false);
    }
    expect((await order('order-atomic-1')).status).toBe(201);
    expect((await outbox(server, customer.email)).filter((m) => m.subject?.includes('約定通知'))).toHaveLength(1);
  });
});

describe('fault: a released risk hold and what it runs commit together', () => {
  // 20:00 JST on a weekday, the victims' usual hour (as in test/risk).
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' }, startAt: Date.UTC(2026, 2, 2, 11, 0, 0) }, { per: 'suite' });

  it('a hold is not marked released unless its order executes (and can be released again once it can)', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.foreignHosting);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    const buy = await attacker.post('/api/v1/orders', { symbol: 'GLDP', side: 'buy', quantity: 10, tradingPassword: victim.customer.tradingPassword, idempotencyKey: 'held-atomic-1' });
    expect(buy.status).toBe(202);
    const holdId = buy.body.hold.id as string;
    const admin = server.admin();
    await refuseNotices(server, true);
    try {
      // The order's 約定通知 cannot be queued: the order rolls back, and so must the release.
      expect((await admin.post(`/api/admin/v1/risk/holds/${holdId}/release`)).status).toBeGreaterThanOrEqual(500);
      expect(await server.kabuto.deps.store.risk.findHold(holdId)).toMatchObject({ status: 'held', result: null });
    } finally {
      await refuseNotices(server, false);
    }
    const released = await admin.post(`/api/admin/v1/risk/holds/${holdId}/release`);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', result: { done: { symbol: 'GLDP', side: 'buy', quantity: 10, status: 'executed' } } });
    const holdings = (await attacker.get('/api/v1/account')).body.holdings as Array<{ symbol: string; quantity: number }>;
    expect(holdings.find((h) => h.symbol === 'GLDP')?.quantity).toBe(10);
  });
});
