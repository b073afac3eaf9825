import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { dialect, useTestServer } from '../support/harness.js';
import { signInWithPassword } from '../support/flows.js';
import { moneyCustomer, order, withdraw } from '../money/money-support.js';
import type { MoneyStore } from '../../src/domain/kernel/money-store.js';
import type { TestServer } from '../support/harness.js';

// 取引制限 against a movement already under way: the freeze is read again inside the movement's own
// transaction (under the customer's row lock on PostgreSQL), so a freeze landing between the early
// check and the debit stops it, and a freeze answered 200 is never followed by a movement committing.
// On SQLite and, with KABUTO_TEST_DIALECT=postgres, on PostgreSQL.

/** Run `between` just before the store moves the money (after every check of the domain). */
function interleave(server: TestServer, method: 'withdraw' | 'trade', between: () => Promise<void>): () => void {
  const money = server.kabuto.deps.store.money as MoneyStore;
  const original = money[method];
  let fired = false;
  (money as unknown as Record<string, unknown>)[method] = async (movement: never) => {
    if (!fired) {
      fired = true;
      await between();
    }
    return (original as (m: never) => Promise<unknown>).call(money, movement);
  };
  return () => {
    (money as unknown as Record<string, unknown>)[method] = original;
  };
}

async function countWithdrawals(server: TestServer, loginId: string): Promise<number> {
  const customer = await server.kabuto.deps.store.customers.findByLoginId(loginId);
  const row = await server.kabuto.database.db
    .selectFrom('withdrawals' as never)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customerId' as never, '=', customer!.id as never)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('a freeze racing a movement', () => {
  const server = useTestServer();

  it('a withdrawals freeze committed between the early check and the debit refuses the debit (423), moving nothing', async () => {
    const { customer, client } = await moneyCustomer(server, { cash: 100_000 });
    const other = server.client();
    await signInWithPassword(other, customer);
    const restore = interleave(server, 'withdraw', async () => {
      expect((await other.post('/api/v1/protection/freeze', { levels: ['withdrawals'] })).status).toBe(200);
    });
    try {
      const response = await withdraw(client, customer, 10_000);
      expect(response.status, JSON.stringify(response.body)).toBe(423);
      expect(response.body).toMatchObject({ error: 'account_frozen', level: 'withdrawals' });
    } finally {
      restore();
    }
    expect((await client.get('/api/v1/account')).body.cash.available).toBe(100_000);
    expect(await countWithdrawals(server, customer.loginId)).toBe(0);
  });

  it('an orders freeze committed between the early check and the trade refuses the trade (423), moving nothing', async () => {
    const { customer, client } = await moneyCustomer(server, { cash: 1_000_000 });
    const other = server.client();
    await signInWithPassword(other, customer);
    const restore = interleave(server, 'trade', async () => {
      expect((await other.post('/api/v1/protection/freeze', { levels: ['orders'] })).status).toBe(200);
    });
    try {
      const response = await order(client, customer, '7203', 'buy', 1);
      expect(response.status, JSON.stringify(response.body)).toBe(423);
      expect(response.body).toMatchObject({ error: 'account_frozen', level: 'orders' });
    } finally {
      restore();
    }
    expect((await client.get('/api/v1/account')).body.holdings).toEqual([]);
  });

  it('a freeze that commits while the withdrawal waits for the customer\'s row is seen by it (423, nothing moved)', async () => {
    const { customer, client } = await moneyCustomer(server, { cash: 100_000 });
    const record = await server.kabuto.deps.store.customers.findByLoginId(customer.loginId);
    const db = server.kabuto.database.db;
    let pending: ReturnType<typeof withdraw> | undefined;
    if (dialect === 'postgres') {
      // A freeze as protection-repo.ts writes it, held open: the customer's row locked, the freeze row written.
      // The withdrawal passes its early check (nothing committed yet), then waits for the row inside its own
      // transaction; the freeze commits while it waits. The withdrawal's look at the freeze must come after
      // its wait: a read in the statement that waited keeps the snapshot taken before it (no freeze row).
      const now = server.clock.now();
      await db.transaction().execute(async (trx) => {
        await sql`select id from customers where id = ${record!.id} for update`.execute(trx);
        await sql`insert into account_freezes (customer_id, withdrawals_at, orders_at, sign_in_at, lifted_at, updated_at) values (${record!.id}, ${now}, null, null, null, ${now})`.execute(trx);
        pending = withdraw(client, customer, 10_000);
        await expect
          .poll(
            async () =>
              (
                await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and pid <> pg_backend_pid() and query like '%from customers%for share%'`.execute(db)
              ).rows[0]!.n,
            { timeout: 4_000, interval: 20 },
          )
          .toBeGreaterThan(0);
      });
    } else {
      // SQLite runs one transaction at a time: a freeze committed before the movement's transaction is seen in it.
      const other = server.client();
      await signInWithPassword(other, customer);
      const restore = interleave(server, 'withdraw', async () => {
        expect((await other.post('/api/v1/protection/freeze', { levels: ['withdrawals'] })).status).toBe(200);
      });
      pending = withdraw(client, customer, 10_000);
      await pending.finally(restore);
    }
    const response = await pending!;
    expect(response.status, JSON.stringify(response.body)).toBe(423);
    expect(response.body).toMatchObject({ error: 'account_frozen', level: 'withdrawals' });
    expect(await countWithdrawals(server, customer.loginId)).toBe(0);
    expect((await client.get('/api/v1/account')).body.cash.available).toBe(100_000);
  });

  it('50 parallel withdrawals and a freeze: none commits after the freeze has answered, the rest are 423', async () => {
    const { customer, client } = await moneyCustomer(server, { cash: 1_000_000 });
    const other = server.client();
    await signInWithPassword(other, customer);
    const pending = Array.from({ length: 50 }, () => withdraw(client, customer, 1_000));
    // The freeze lands while the others are between their early check and their debit.
    await Promise.race(pending);
    // 50 withdrawals in line for the balance row hold the pool: a loaded machine may answer the freeze
    // 503 (no connection in time; nothing frozen); it is asked again, as a customer would.
    let frozeAnswer = await other.post('/api/v1/protection/freeze', { levels: ['withdrawals'] });
    for (let tries = 0; frozeAnswer.status === 503 && tries < 20; tries++) frozeAnswer = await other.post('/api/v1/protection/freeze', { levels: ['withdrawals'] });
    expect(frozeAnswer.status, JSON.stringify(frozeAnswer.body)).toBe(200);
    const atFreeze = await countWithdrawals(server, customer.loginId);
    const responses = await Promise.all(pending);
    expect(await countWithdrawals(server, customer.loginId), 'withdrawals committed after the freeze answered').toBe(atFreeze);
    const created = responses.filter((r) => r.status === 201);
    const frozen = responses.filter((r) => r.status === 423);
    expect(created.length + frozen.length, JSON.stringify(responses.filter((r) => r.status !== 201 && r.status !== 423).map((r) => r.body))).toBe(50);
    expect(created).toHaveLength(atFreeze);
    for (const r of frozen) expect(r.body).toMatchObject({ error: 'account_frozen', level: 'withdrawals' });
    expect((await client.get('/api/v1/account')).body.cash.available).toBe(1_000_000 - atFreeze * 1_000);
  });
});
