import { describe, expect, it } from 'vitest';
import { newAuthenticator, registerPasskey } from '../factors/support/factor-flows.js';
import { createCustomer } from '../support/flows.js';
import { dialect, useTestServer } from '../support/harness.js';
import { ADDRESSES, BANK, DAY, HOUR } from './support.js';

// Issue 17: a step-up asks for a passkey where the customer has one; a held order waits for the
// customer's confirmation by passkey — one past its cooling-off, so a passkey a thief planted with a
// relayed code confirms nothing.

describe(`risk: the customer's passkey (${dialect})`, () => {
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' } });

  async function customerWithPasskey() {
    const customer = await createCustomer(server, { cash: 2_000_000, bankAccount: BANK });
    const client = server.client();
    const home = { 'x-forwarded-for': ADDRESSES.homeTokyo[0] };
    expect((await client.post('/api/v1/login', { loginId: customer.loginId, password: customer.password }, home)).status).toBe(200);
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, client, customer, authenticator);
    return { customer, client, authenticator, home };
  }

  it('a step-up at an unfamiliar sign-in offers the passkey alone, once it is past its cooling-off', async () => {
    const { customer } = await customerWithPasskey();
    const fromAws = { 'x-forwarded-for': ADDRESSES.foreignHosting };
    // Long enough after the sign-in at home that Tokyo → Ashburn is not impossible travel (which would refuse).
    server.clock.advance(20 * HOUR);
    // Young passkey: it proves nothing yet; the customer's other factors are offered.
    const young = await server.client().post('/api/v1/login', { loginId: customer.loginId, password: customer.password }, fromAws);
    expect(young.body.status).toBe('second_factor_required');
    expect(young.body.challenge.methods.map((m: { type: string }) => m.type)).toContain('sms');
    server.clock.advance(5 * HOUR);
    const mature = await server.client().post('/api/v1/login', { loginId: customer.loginId, password: customer.password }, fromAws);
    expect(mature.body.status).toBe('second_factor_required');
    expect(mature.body.challenge.methods).toEqual([{ type: 'passkey' }]);
  });

  it('a held order runs when the customer confirms it with a mature passkey, and only then', async () => {
    const { customer, authenticator } = await customerWithPasskey();
    server.clock.advance(DAY + HOUR);
    const client = server.client();
    expect((await client.post('/api/v1/login', { loginId: customer.loginId, password: customer.password }, { 'x-forwarded-for': ADDRESSES.homeTokyo[0] })).status).toBe(200);
    // Abroad on holiday, the customer buys the thinly traded share: held.
    const abroad = { 'x-forwarded-for': ADDRESSES.foreignResidential };
    const held = await client.post('/api/v1/orders', { symbol: 'GLDP', side: 'buy', quantity: 1000, tradingPassword: customer.tradingPassword, idempotencyKey: 'abroad-1' }, abroad);
    expect(held.status).toBe(202);
    const holdId = held.body.hold.id as string;
    expect((await client.get('/api/v1/holds')).body).toEqual([expect.objectContaining({ status: 'held', hold: expect.objectContaining({ id: holdId }) })]);

    // Another customer cannot touch it.
    const stranger = await customerWithPasskey();
    expect((await stranger.client.post(`/api/v1/holds/${holdId}/passkey-options`)).status).toBe(404);

    const options = await client.post(`/api/v1/holds/${holdId}/passkey-options`);
    expect(options.status).toBe(200);
    // An assertion for other options (a sign-in's) does not confirm it.
    const otherOptions = await server.client().post('/api/v1/login/passkey-options');
    expect((await client.post(`/api/v1/holds/${holdId}/confirm`, { response: authenticator.assert(otherOptions.body) })).status).toBe(401);
    const confirmed = await client.post(`/api/v1/holds/${holdId}/confirm`, { response: authenticator.assert(options.body) });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'released', result: { done: { symbol: 'GLDP', side: 'buy', quantity: 1000, status: 'executed' } } });
    const account = (await client.get('/api/v1/account')).body;
    expect(account.holdings).toEqual([expect.objectContaining({ symbol: 'GLDP', quantity: 1000 })]);
    // Done once: a second confirmation finds nothing pending.
    expect((await client.post(`/api/v1/holds/${holdId}/passkey-options`)).body).toMatchObject({ error: 'hold_not_pending', status: 'released' });
  });

  it('a passkey in its cooling-off cannot confirm a hold (a planted one would be)', async () => {
    const { customer, client } = await customerWithPasskey();
    const held = await client.post('/api/v1/orders', { symbol: 'GLDP', side: 'buy', quantity: 100, tradingPassword: customer.tradingPassword, idempotencyKey: 'young-1' }, { 'x-forwarded-for': ADDRESSES.foreignHosting });
    expect(held.status).toBe(202);
    const options = await client.post(`/api/v1/holds/${held.body.hold.id}/passkey-options`);
    expect(options.status).toBe(409);
    expect(options.body).toMatchObject({ error: 'method_unavailable', method: 'passkey' });
  });
});
