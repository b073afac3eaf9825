import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { signedIn, signInWithPassword } from '../support/flows.js';
import { BANK } from '../factors/support/factor-flows.js';
import { expectFrozen, latestFreezeCode, order, withdrawal } from './support.js';

// The customer is cached with the session (issue 14): a freeze, and its lift, must reach a session
// already open and already read (cached) at once: its next request sees them.

const rich = { cash: 1_000_000, bankAccount: BANK };

describe('a freeze seen by a session already open', () => {
  const server = useTestServer();

  it('a freeze from another browser: the open session reads it and is refused at its next request; the lift likewise', async () => {
    const { customer, client } = await signedIn(server, rich);
    // Read twice: the customer is now cached with this session.
    for (let i = 0; i < 2; i++) expect((await client.get('/api/v1/protection')).body).toMatchObject({ withdrawals: { frozen: false }, orders: { frozen: false } });
    expect((await withdrawal(client, customer)).status).toBe(201);

    const other = server.client();
    await signInWithPassword(other, customer);
    expect((await other.post('/api/v1/protection/freeze', { levels: ['withdrawals', 'orders'] })).status).toBe(200);
    expect((await client.get('/api/v1/protection')).body).toMatchObject({ withdrawals: { frozen: true }, orders: { frozen: true }, signIn: { frozen: false } });
    expect((await client.get('/api/v1/me')).status).toBe(200);
    expectFrozen(await withdrawal(client, customer), 'withdrawals');
    expectFrozen(await order(client, customer), 'orders');

    // The call centre lifts it (no passkey): the open session may order again, and its withdrawals cool off.
    const lifted = await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/unfreeze`, { levels: ['withdrawals', 'orders'], reason: 'r', identityCheck: 'c' });
    expect(lifted.status).toBe(200);
    const state = (await client.get('/api/v1/protection')).body;
    expect(state).toMatchObject({ withdrawals: { frozen: false }, orders: { frozen: false } });
    expect(state.withdrawalsHeldUntil).not.toBeNull();
    expect((await order(client, customer)).status).toBe(201);
    expect((await withdrawal(client, customer)).body.status).toBe('pending');
  });

  it('a sign-in freeze by a notice code (no session): the open, cached session is refused at once', async () => {
    const { customer, client } = await signedIn(server, rich);
    for (let i = 0; i < 2; i++) expect((await client.get('/api/v1/me')).status).toBe(200);
    const code = await latestFreezeCode(server, customer.email);
    expect((await server.client().post('/api/v1/protection/freeze-code', { loginId: customer.loginId, code })).status).toBe(200);
    expect((await client.get('/api/v1/me')).status).toBe(401);
    expect((await client.get('/api/v1/protection')).status).toBe(401);
  });
});
