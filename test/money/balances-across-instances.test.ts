import { expect, it } from 'vitest';
import { describeAcrossProcesses, openAccountOn, SpreadClient } from '../ops/processes.js';

// Issue 14.1: the account page's balances are kept by each instance between movements. A movement on
// instance A is seen on instance B, which had the balances cached, within one second (PostgreSQL: the
// balance write's pg_notify; one SQLite file: the file's data version).

const processes = describeAcrossProcesses('kept balances', scenarios);

type Account = { cash: { available: number }; holdings: Array<{ symbol: string; quantity: number }> };

function scenarios() {
  it('an order on instance A moves the cached balances on instance B within one second', async () => {
    const customer = await openAccountOn(processes[0]!.url, 'kept', { cash: 2_000_000 });
    const browser = new SpreadClient(processes.map((p) => p.url));
    expect((await browser.request('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password }, 0)).status).toBe(200);
    // Read (and keep) the balances on B.
    for (let i = 0; i < 2; i++) {
      const read = await browser.request<Account>('GET', '/api/v1/account', undefined, 1);
      expect(read.status).toBe(200);
      expect(read.body.cash.available).toBe(2_000_000);
    }
    const since = Date.now();
    const bought = await browser.request('POST', '/api/v1/orders', { symbol: '7203', side: 'buy', quantity: 3, tradingPassword: customer.tradingPassword, idempotencyKey: `kept-${since}` }, 0);
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    let seen: Account | undefined;
    while (Date.now() - since < 2_000) {
      const read = await browser.request<Account>('GET', '/api/v1/account', undefined, 1);
      expect(read.status).toBe(200);
      if (read.body.holdings.length > 0) {
        seen = read.body;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(Date.now() - since).toBeLessThan(1_000);
    expect(seen?.holdings).toEqual([expect.objectContaining({ symbol: '7203', quantity: 3 })]);
    expect(seen?.cash.available).toBe(2_000_000 - (bought.body as { amount: number }).amount);
  });
}
