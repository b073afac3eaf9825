import { describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, seedDemoCustomers } from '../../src/demo-seed.js';
import { useTestServer } from '../support/harness.js';

describe('demo customers', () => {
  const server = useTestServer({}, { per: 'suite' });

  it('start with their opening cash in the ledger, credited once however often the seed runs', async () => {
    await seedDemoCustomers(server.kabuto);
    await seedDemoCustomers(server.kabuto);
    for (const demo of DEMO_CUSTOMERS) {
      const client = server.client();
      expect((await client.post('/api/v1/login', { loginId: demo.loginId, password: demo.password })).body.status).toBe('signed_in');
      expect((await client.get('/api/v1/account')).body.cash).toEqual({ available: demo.cash, pending: 0 });
      expect((await client.get('/api/v1/history/cash')).body).toEqual([expect.objectContaining({ type: 'opening', amount: demo.cash })]);
    }
  });
});
