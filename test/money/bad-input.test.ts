import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { available, moneyCustomer, newKey, order, withdraw } from './money-support.js';

// Every bad amount or quantity gets a clear 4xx with the contract's code, and moves nothing.

const BAD_NUMBERS: unknown[] = [-1, 0, -0.5, 1.5, 0.0001, '100', '', null, true, [100], { yen: 100 }, 2 ** 53 + 2, 1e300, 1e13];

describe('bad input to money routes', () => {
  const server = useTestServer({}, { per: 'suite' });

  it('refuses bad withdrawal amounts with 400 invalid_amount', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 100_000 });
    for (const amount of BAD_NUMBERS) {
      const response = await withdraw(client, customer, amount);
      expect(response.status, JSON.stringify(amount)).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_amount', message: expect.any(String) });
    }
    // A number past 2^53 written out in the JSON text, not only as a parsed double.
    const huge = await client.request('POST', '/api/v1/withdrawals', `{"amount": 90071992547409930, "tradingPassword": "${customer.tradingPassword}", "idempotencyKey": "${newKey()}"}`);
    expect(huge.status).toBe(400);
    expect(huge.body.error).toBe('invalid_amount');
    expect(await available(client)).toBe(100_000);
    expect((await client.get('/api/v1/history/cash')).body).toHaveLength(1);
  });

  it('refuses bad quantities with 400 invalid_quantity and unknown symbols with 400 unknown_symbol', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 100_000 });
    for (const quantity of BAD_NUMBERS.filter((n) => n !== 1e13)) {
      const response = await order(client, customer, '7203', 'buy', quantity);
      expect(response.status, JSON.stringify(quantity)).toBe(400);
      expect(response.body.error).toBe('invalid_quantity');
    }
    for (const symbol of ['XXXX', '0000', '7203 ', 'トヨタ']) {
      const response = await order(client, customer, symbol, 'buy', 1);
      expect(response.status, symbol).toBe(400);
      expect(response.body.error).toBe('unknown_symbol');
    }
    // Too many shares for any balance: refused before a price is multiplied past 2^53.
    const tooMany = await order(client, customer, '6861', 'buy', 100_000_000);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toBe('invalid_quantity');
    expect(await available(client)).toBe(100_000);
    expect((await client.get('/api/v1/account')).body.holdings).toEqual([]);
  });

  it('refuses missing and unknown fields, bad sides and bad keys with 400 invalid_request', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 100_000 });
    const cases: Array<[string, unknown]> = [
      ['/api/v1/withdrawals', { amount: 1_000, tradingPassword: customer.tradingPassword }],
      ['/api/v1/withdrawals', { amount: 1_000, idempotencyKey: newKey() }],
      ['/api/v1/withdrawals', { tradingPassword: customer.tradingPassword, idempotencyKey: newKey() }],
      ['/api/v1/withdrawals', { amount: 1_000, tradingPassword: customer.tradingPassword, idempotencyKey: newKey(), to: 'elsewhere' }],
      ['/api/v1/withdrawals', { amount: 1_000, tradingPassword: customer.tradingPassword, idempotencyKey: '' }],
      ['/api/v1/orders', { symbol: '7203', side: 'short', quantity: 1, tradingPassword: customer.tradingPassword, idempotencyKey: newKey() }],
      ['/api/v1/orders', { symbol: '7203', side: 'buy', quantity: 1, tradingPassword: customer.tradingPassword }],
      ['/api/v1/orders', { symbol: 7203, side: 'buy', quantity: 1, tradingPassword: customer.tradingPassword, idempotencyKey: newKey() }],
      ['/api/v1/orders', { symbol: '7203', side: 'buy', quantity: 1, price: 1, tradingPassword: customer.tradingPassword, idempotencyKey: newKey() }],
    ];
    for (const [path, body] of cases) {
      const response = await client.post(path, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error).toBe('invalid_request');
    }
    expect((await client.request('POST', '/api/v1/withdrawals', '{"amount": 1000,')).status).toBe(400);
    expect((await client.request('POST', '/api/v1/withdrawals', '[]')).status).toBe(400);
    expect(await available(client)).toBe(100_000);
  });

  it('does not spend a trading-password attempt on malformed input', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 100_000 });
    await withdraw(client, customer, -5, { tradingPassword: 'wrong-password-here' });
    const wrong = await withdraw(client, customer, 5, { tradingPassword: 'wrong-password-here' });
    expect(wrong.body).toMatchObject({ error: 'invalid_trading_password', attemptsLeft: 4 });
  });
});
