import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { signInWithPassword, type TestCustomer } from '../support/flows.js';

const HOSTILE = [
  "'; DROP TABLE customers; --",
  "\" OR 1=1 --",
  'Robert\'); DELETE FROM sessions WHERE (\'1\'=\'1',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '${7*7}{{7*7}}',
  'emoji 🏯 and 兜町',
  'x'.repeat(64), // the longest a bank name may be
];

describe('attack: hostile strings in every text field', () => {
  const server = useTestServer({}, { per: 'suite' });

  it('stores names, addresses and bank names as given (no 500, no injection) and returns them as JSON data', async () => {
    let n = 0;
    for (const hostile of HOSTILE) {
      n++;
      const customer: TestCustomer = { loginId: `hostile${n}`, password: `a long enough passphrase ${n}`, tradingPassword: `trading-pass-${n}`, email: `h${n}@example.jp`, phone: undefined };
      const created = await server.admin().post('/api/admin/v1/customers', {
        loginId: customer.loginId,
        name: hostile,
        email: customer.email,
        password: customer.password,
        tradingPassword: customer.tradingPassword,
        address: hostile,
        bankAccount: { bankName: hostile, branchName: hostile, accountNumber: '1234567', holderName: hostile },
      });
      expect(created.status, hostile).toBe(201);
      const client = server.client({ userAgent: hostile.replace(/[^\x20-\x7e]/g, '?') });
      const login = await signInWithPassword(client, customer);
      expect(login.status).toBe(200);
      expect(login.body.customer.name).toBe(hostile);
      const profile = await client.get('/api/v1/settings/profile');
      expect(profile.body.address).toBe(hostile);
      expect(profile.body.bankAccount.bankName).toBe(hostile);
      expect(profile.headers.get('content-type')).toMatch(/^application\/json/);
      const history = await client.get('/api/v1/history/logins');
      expect(history.status).toBe(200);
    }
    // The tables are all still there.
    expect((await server.client().get('/readyz')).status).toBe(200);
    expect(await server.kabuto.deps.store.customers.findByLoginId('hostile1')).toBeDefined();
  });

  it('refuses NUL, control characters and invalid UTF-16 with 400, and over-long strings with 400', async () => {
    for (const [name, field] of [
      ['nul\u0000byte', 'name'],
      ['bell\u0007', 'name'],
      ['lone \ud800 surrogate', 'name'],
      ['y'.repeat(101), 'name'],
    ] as const) {
      const response = await server.admin().post('/api/admin/v1/customers', { name, email: 'z@example.jp', password: 'a long enough passphrase', tradingPassword: 'trading-pass-x' });
      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
    }
  });

  it('survives a hostile login ID and password at sign-in', async () => {
    for (const hostile of HOSTILE) {
      const response = await server.client().post('/api/v1/login', { loginId: hostile.slice(0, 200), password: hostile });
      expect([401, 400, 429]).toContain(response.status);
    }
  });
});
