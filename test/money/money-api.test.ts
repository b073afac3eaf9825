import { afterEach, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { outbox } from '../support/flows.js';
import { available, checkLedgerInvariants, moneyCustomer, order, withdraw } from './money-support.js';

describe('money: account, instruments, orders, withdrawals, histories', () => {
  const server = useTestServer();
  // Whatever a test moved, the ledger adds up after it (balance = sum of entries, holdings = net orders).
  afterEach(() => checkLedgerInvariants(server.kabuto.database.db));

  it('lists about a dozen TSE instruments with integer prices, the same while the clock stands still', async () => {
    const first = await server.client().get('/api/v1/instruments');
    expect(first.status).toBe(200);
    expect(first.body.length).toBeGreaterThanOrEqual(12);
    expect(first.body).toContainEqual(expect.objectContaining({ symbol: '7203', name: 'トヨタ自動車' }));
    for (const i of first.body) expect(Number.isSafeInteger(i.price) && i.price > 0).toBe(true);
    expect((await server.client().get('/api/v1/instruments')).body).toEqual(first.body);
    server.clock.advance(10 * 60_000);
    const later = (await server.client().get('/api/v1/instruments')).body;
    expect(later).not.toEqual(first.body);
  });

  it('shows opening cash on the account and as the first ledger entry', async () => {
    const { client } = await moneyCustomer(server, { cash: 750_000 });
    const account = await client.get('/api/v1/account');
    expect(account.status).toBe(200);
    expect(account.body).toEqual({ cash: { available: 750_000, pending: 0 }, holdings: [], totalValue: 750_000 });
    const history = await client.get('/api/v1/history/cash');
    expect(history.body).toEqual([expect.objectContaining({ type: 'opening', amount: 750_000, balance: 750_000 })]);
  });

  it('buys and sells at the current price, moving cash and holdings, with a 約定通知', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 1_000_000 });
    const price = (await client.get('/api/v1/instruments')).body.find((i: { symbol: string }) => i.symbol === '7203').price;
    const bought = await order(client, customer, '7203', 'buy', 100);
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    expect(bought.body).toMatchObject({ symbol: '7203', side: 'buy', quantity: 100, price, amount: price * 100, status: 'executed' });
    const sold = await order(client, customer, '7203', 'sell', 40);
    expect(sold.status).toBe(201);

    const account = (await client.get('/api/v1/account')).body;
    expect(account.cash.available).toBe(1_000_000 - price * 60);
    expect(account.holdings).toEqual([{ symbol: '7203', name: 'トヨタ自動車', quantity: 60, price, value: price * 60 }]);
    expect(account.totalValue).toBe(1_000_000);

    const orders = (await client.get('/api/v1/history/orders')).body;
    expect(orders.map((o: { side: string }) => o.side)).toEqual(['sell', 'buy']);
    const mail = await outbox(server, customer.email);
    expect(mail.filter((m) => m.subject?.includes('約定通知'))).toHaveLength(2);
  });

  it('refuses orders beyond the cash or the holdings, moving nothing', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 10_000 });
    const tooMuch = await order(client, customer, '6861', 'buy', 100);
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toBe('insufficient_cash');
    const noShares = await order(client, customer, '7974', 'sell', 1);
    expect(noShares.status).toBe(400);
    expect(noShares.body.error).toBe('insufficient_holdings');
    expect(await available(client)).toBe(10_000);
    expect((await client.get('/api/v1/history/orders')).body).toEqual([]);
  });

  it('withdraws to the registered bank account with a notice e-mail', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 300_000 });
    const done = await withdraw(client, customer, 100_000);
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body).toMatchObject({ amount: 100_000, status: 'completed', bankAccount: { last4: '4567' } });
    expect(typeof done.body.id).toBe('string');
    expect(await available(client)).toBe(200_000);
    const history = (await client.get('/api/v1/history/cash')).body;
    expect(history[0]).toMatchObject({ type: 'withdrawal', amount: -100_000, balance: 200_000, reference: done.body.id });
    const mail = await outbox(server, customer.email);
    expect(mail[0]!.body).toContain('出金 100,000円');
  });

  it('answers 409 no_bank_account without one, and insufficient_cash beyond the balance', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 5_000, bankAccount: null });
    const none = await withdraw(client, customer, 1_000);
    expect(none.status).toBe(409);
    expect(none.body.error).toBe('no_bank_account');
    const rich = await moneyCustomer(server, { cash: 5_000 });
    const over = await withdraw(rich.client, rich.customer, 5_001);
    expect(over.status).toBe(400);
    expect(over.body.error).toBe('insufficient_cash');
    expect(await available(rich.client)).toBe(5_000);
  });

  it('checks the trading password first and locks trading after 5 wrong ones', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 50_000 });
    for (let left = 4; left >= 1; left--) {
      const wrong = await withdraw(client, customer, 1_000, { tradingPassword: 'not-the-trading-password' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ error: 'invalid_trading_password', attemptsLeft: left });
    }
    const fifth = await order(client, customer, '7203', 'buy', 1, { tradingPassword: 'not-the-trading-password' });
    expect(fifth.status).toBe(423);
    expect(fifth.body.error).toBe('trading_locked');
    expect((await withdraw(client, customer, 1_000)).status).toBe(423);
    expect(await available(client)).toBe(50_000);
  });

  it('pages the cash history newest first with limit and before', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 100_000 });
    for (const amount of [1_000, 2_000, 3_000]) expect((await withdraw(client, customer, amount)).status).toBe(201);
    const page1 = (await client.get('/api/v1/history/cash?limit=2')).body;
    expect(page1.map((e: { amount: number }) => e.amount)).toEqual([-3_000, -2_000]);
    const page2 = (await client.get(`/api/v1/history/cash?limit=2&before=${page1[1].id}`)).body;
    expect(page2.map((e: { amount: number }) => e.amount)).toEqual([-1_000, 100_000]);
    const orders = await moneyCustomer(server, { cash: 1_000_000 });
    for (const q of [1, 2, 3]) expect((await order(orders.client, orders.customer, '9432', 'buy', q)).status).toBe(201);
    const o1 = (await orders.client.get('/api/v1/history/orders?limit=2')).body;
    expect(o1.map((o: { quantity: number }) => o.quantity)).toEqual([3, 2]);
    const o2 = (await orders.client.get(`/api/v1/history/orders?limit=2&before=${o1[1].id}`)).body;
    expect(o2.map((o: { quantity: number }) => o.quantity)).toEqual([1]);
  });

  it('credits deposits through the admin API', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 1_000 });
    const deposit = await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/deposits`, { amount: 25_000 });
    expect(deposit.status).toBe(201);
    expect(deposit.body).toMatchObject({ type: 'deposit', amount: 25_000, balance: 26_000 });
    expect(await available(client)).toBe(26_000);
    expect((await server.client().post(`/api/admin/v1/customers/${customer.loginId}/deposits`, { amount: 1 })).status).toBe(401);
    expect((await server.admin().post('/api/admin/v1/customers/nobody-here/deposits', { amount: 1 })).status).toBe(404);
    for (const amount of [0, -1, 1.5, '100', 2 ** 53 + 2, 1e300]) {
      const bad = await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/deposits`, { amount });
      expect(bad.status, String(amount)).toBe(400);
      expect(bad.body.error).toBe('invalid_amount');
    }
    expect(await available(client)).toBe(26_000);
  });

  it('needs a session for the account, orders, withdrawals and histories', async () => {
    const stranger = server.client();
    for (const path of ['/api/v1/account', '/api/v1/history/cash', '/api/v1/history/orders']) expect((await stranger.get(path)).status).toBe(401);
    expect((await stranger.post('/api/v1/withdrawals', { amount: 1 })).status).toBe(401);
    expect((await stranger.post('/api/v1/orders', { symbol: '7203' })).status).toBe(401);
  });
});
