import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { available, checkLedgerInvariants, moneyCustomer, newKey, order, withdraw } from './money-support.js';

// Races a thief or a flaky network would run: more withdrawals than the balance covers, the same
// request repeated at once. On SQLite and, with KABUTO_TEST_DIALECT=postgres, on PostgreSQL.

describe('withdrawals under concurrency', () => {
  const server = useTestServer({}, { per: 'suite' });

  it('lets exactly the affordable number of 50 parallel withdrawals through; the rest are insufficient_cash', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 1_000_000 });
    const responses = await Promise.all(Array.from({ length: 50 }, () => withdraw(client, customer, 30_000)));
    const created = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status === 400);
    expect(created).toHaveLength(33);
    expect(refused).toHaveLength(17);
    for (const r of refused) expect(r.body.error).toBe('insufficient_cash');
    expect(new Set(created.map((r) => r.body.id)).size).toBe(33);
    expect(await available(client)).toBe(10_000);
    await checkLedgerInvariants(server.kabuto.database.db);
  });

  it('moves money once for the same idempotencyKey sent 20 times in parallel, answering each with the first result', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 100_000 });
    const idempotencyKey = newKey('same');
    const responses = await Promise.all(Array.from({ length: 20 }, () => withdraw(client, customer, 7_000, { idempotencyKey })));
    for (const r of responses) expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await available(client)).toBe(93_000);
    const entries = (await client.get('/api/v1/history/cash')).body.filter((e: { type: string }) => e.type === 'withdrawal');
    expect(entries).toHaveLength(1);
  });

  it('moves shares once for the same order key sent 20 times in parallel', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 1_000_000 });
    const idempotencyKey = newKey('order');
    const responses = await Promise.all(Array.from({ length: 20 }, () => order(client, customer, '9432', 'buy', 100, { idempotencyKey })));
    for (const r of responses) expect(r.status).toBe(201);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect((await client.get('/api/v1/account')).body.holdings[0].quantity).toBe(100);
  });

  it('never sells more shares than held when sells race', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 1_000_000 });
    expect((await order(client, customer, '7267', 'buy', 10)).status).toBe(201);
    const responses = await Promise.all(Array.from({ length: 12 }, () => order(client, customer, '7267', 'sell', 3)));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(responses.filter((r) => r.status === 400).every((r) => r.body.error === 'insufficient_holdings')).toBe(true);
    expect((await client.get('/api/v1/account')).body.holdings).toEqual([expect.objectContaining({ symbol: '7267', quantity: 1 })]);
    await checkLedgerInvariants(server.kabuto.database.db);
  });

  it('answers 422 idempotency_key_reused for a used key with other content, moving nothing', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 100_000 });
    const idempotencyKey = newKey('reuse');
    expect((await withdraw(client, customer, 1_000, { idempotencyKey })).status).toBe(201);
    const other = await withdraw(client, customer, 2_000, { idempotencyKey });
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('idempotency_key_reused');
    const asOrder = await order(client, customer, '7203', 'buy', 1, { idempotencyKey });
    expect(asOrder.status).toBe(422);
    expect(await available(client)).toBe(99_000);
  });

  it('keeps a refusal as the key\'s first result: the repeat after a deposit is still refused', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 1_000 });
    const idempotencyKey = newKey('refused');
    expect((await withdraw(client, customer, 5_000, { idempotencyKey })).body.error).toBe('insufficient_cash');
    await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/deposits`, { amount: 10_000 });
    const repeat = await withdraw(client, customer, 5_000, { idempotencyKey });
    expect(repeat.status).toBe(400);
    expect(repeat.body.error).toBe('insufficient_cash');
    expect((await withdraw(client, customer, 5_000)).status).toBe(201);
  });
});
