import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createSessionCache } from '../../src/adapters/session-cache.js';
import { dialect, useTestServer } from '../support/harness.js';
import { BANK, moneyCustomer, order, withdraw } from './money-support.js';

// Issue 14.1: `/account` reads the balances the session cache keeps between movements. Every movement
// forgets them (in its own transaction, or after the caller's that it joined), a held withdrawal's
// pending figure follows the clock without a write, and a read that raced a movement is not kept.

const account = async (client: Awaited<ReturnType<typeof moneyCustomer>>['client']) => {
  const answer = await client.get('/api/v1/account');
  expect(answer.status).toBe(200);
  return answer.body as { cash: { available: number; pending: number }; holdings: Array<{ symbol: string; quantity: number }> };
};
// A change of bank account holds the next day's withdrawals (the cooling-off).
const changeBank = async ({ client, customer }: Awaited<ReturnType<typeof moneyCustomer>>) => {
  const changed = await client.put('/api/v1/settings/profile', { bankAccount: { ...BANK, accountNumber: '7654321' }, tradingPassword: customer.tradingPassword });
  expect(changed.status).toBe(200);
};

describe('the kept balances of the account page', () => {
  const server = useTestServer();

  it('every movement is seen by the very next read of a cached account', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 1_000_000 });
    // Read twice: the second answer comes from the kept copy.
    await account(client);
    expect((await account(client)).cash).toEqual({ available: 1_000_000, pending: 0 });

    expect((await order(client, customer, '7203', 'buy', 10)).status).toBe(201);
    const bought = await account(client);
    expect(bought.holdings).toEqual([expect.objectContaining({ symbol: '7203', quantity: 10 })]);
    expect(bought.cash.available).toBeLessThan(1_000_000);

    expect((await order(client, customer, '7203', 'sell', 4)).status).toBe(201);
    expect((await account(client)).holdings).toEqual([expect.objectContaining({ symbol: '7203', quantity: 6 })]);

    const before = (await account(client)).cash.available;
    await changeBank({ client, customer });
    const held = await withdraw(client, customer, 50_000);
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expect(held.body.status).toBe('pending');
    expect((await account(client)).cash).toEqual({ available: before - 50_000, pending: 50_000 });

    expect((await client.post(`/api/v1/withdrawals/${held.body.id}/cancel`, { tradingPassword: customer.tradingPassword })).status).toBe(200);
    expect((await account(client)).cash).toEqual({ available: before, pending: 0 });
  });

  it('a movement joined into a store transaction is forgotten again when that transaction commits', async () => {
    const { client } = await moneyCustomer(server, { cash: 500_000 });
    const me = (await client.get('/api/v1/me')).body as { id?: string; loginId: string };
    const customer = await server.kabuto.deps.store.customers.findByLoginId(me.loginId);
    const { store, clock } = server.kabuto.deps;
    expect((await account(client)).cash.available).toBe(500_000);
    const now = clock.now();
    let readDuring: Promise<unknown> | undefined;
    await store.transaction(async (s) => {
      const result = await s.money.withdraw({
        claim: { customerId: customer!.id, key: randomUUID(), requestHash: 'h', now },
        refusal: { kind: 'refused', code: 'insufficient_cash' },
        success: { kind: 'done', body: {} },
        challenge: undefined,
        withdrawal: { id: randomUUID(), customerId: customer!.id, amount: 70_000, bankAccount: BANK, heldUntil: null, at: now },
      });
      expect(result.status).toBe('done');
      // A read while the transaction is open: on PostgreSQL it answers the old figure at once (which the
      // cache would keep, but for the forget at the commit); SQLite's one connection makes it wait.
      readDuring = account(client);
      if (dialect === 'postgres') expect(((await readDuring) as { cash: { available: number } }).cash.available).toBe(500_000);
    });
    await readDuring;
    expect((await account(client)).cash.available).toBe(430_000);
  });
});

describe('the kept balances of a held withdrawal', () => {
  // A cooling-off shorter than the session's idle limit: the hold ends while the customer stays signed in.
  const server = useTestServer({ overrides: { policy: { coolingOffMs: 10 * 60_000 } } });

  it("a held withdrawal's pending figure ends with its hold, with no write in between", async () => {
    const signedIn = await moneyCustomer(server, { cash: 300_000 });
    const { client, customer } = signedIn;
    await changeBank(signedIn);
    const held = await withdraw(client, customer, 100_000);
    expect(held.status).toBe(201);
    const heldUntil = Date.parse(held.body.heldUntil);
    expect(heldUntil).toBeGreaterThan(server.clock.now());
    expect((await account(client)).cash).toEqual({ available: 200_000, pending: 100_000 });
    // The kept copy is read again within its life: the clock alone ends the hold.
    server.clock.advance(heldUntil - server.clock.now() + 1_000);
    expect((await account(client)).cash).toEqual({ available: 200_000, pending: 0 });
  });

});

describe('the kept balances in the cache itself', () => {
  const kept = { available: 1, held: [{ amount: 5, heldUntil: 10 }], holdings: [{ symbol: '7203', quantity: 1 }] };

  it('a read that began before a forget is not kept, and a forget empties the copy', () => {
    const cache = createSessionCache();
    const mark = cache.mark();
    cache.forgetBalances('c1');
    cache.setBalances('c1', kept, mark);
    expect(cache.getBalances('c1')).toBeUndefined();
    cache.setBalances('c1', kept, cache.mark());
    expect(cache.getBalances('c1')).toEqual(kept);
    cache.forgetBalances('c1');
    expect(cache.getBalances('c1')).toBeUndefined();
  });

  it('a copy is a copy (changing it changes nothing kept), forgotten with the customer, past its life and while suspended', () => {
    let now = 0;
    const cache = createSessionCache({ now: () => now, ttlMs: 2_000 });
    cache.setBalances('c1', kept, cache.mark());
    cache.getBalances('c1')!.held[0]!.amount = 999;
    expect(cache.getBalances('c1')).toEqual(kept);
    cache.forgetCustomer('c1');
    expect(cache.getBalances('c1')).toBeUndefined();
    cache.setBalances('c1', kept, cache.mark());
    now = 2_000;
    expect(cache.getBalances('c1')).toBeUndefined();
    cache.setBalances('c1', kept, cache.mark());
    cache.suspend();
    expect(cache.getBalances('c1')).toBeUndefined();
  });
});
