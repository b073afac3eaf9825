import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, passChallengeBySms, signInWithPassword, type TestCustomer } from '../support/flows.js';
import type { HttpClient } from '../support/http-client.js';
import { BANK } from '../factors/support/factor-flows.js';

// Issue 11.1: with KABUTO_MFA_REQUIRED=1 a customer whose own method is still `none` (every new
// customer) is treated as 2FA on with scope `all` in every step-up decision, not only at sign-in.

describe('KABUTO_MFA_REQUIRED=1 reaches every step-up decision', () => {
  const server = useTestServer({ env: { KABUTO_MFA_REQUIRED: '1' } }, { per: 'suite' });

  /** A new customer (method `none`), signed in with the code the policy asks for. */
  async function policyCustomer(): Promise<{ customer: TestCustomer; client: HttpClient }> {
    const customer = await createCustomer(server, { cash: 1_000_000, bankAccount: BANK });
    const client = server.client();
    const login = await signInWithPassword(client, customer);
    expect(login.body.status).toBe('second_factor_required');
    expect((await passChallengeBySms(server, client, login.body.challenge.id, customer.phone!)).body.status).toBe('signed_in');
    expect((await client.get('/api/v1/settings/mfa')).body).toMatchObject({ method: 'none', requiredByPolicy: true });
    return { customer, client };
  }

  it('every protected decision asks for the second factor: the trading password alone changes nothing', async () => {
    const { customer, client } = await policyCustomer();
    const t = customer.tradingPassword;
    const decisions: Array<[string, () => Promise<{ status: number; body: any }>]> = [
      ['login password', () => client.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword: `${customer.password} renewed` })],
      ['trading password', () => client.put('/api/v1/settings/trading-password', { currentPassword: t, newPassword: `${t}-renewed` })],
      ['e-mail', () => client.put('/api/v1/settings/profile', { email: `new-${customer.email}`, tradingPassword: t })],
      ['address', () => client.put('/api/v1/settings/profile', { address: '大阪府大阪市', tradingPassword: t })],
      ['bank account', () => client.put('/api/v1/settings/profile', { bankAccount: { ...BANK, accountNumber: '7654321' }, tradingPassword: t })],
      ['phone', () => client.put('/api/v1/settings/phone', { phone: '080-4444-5555', tradingPassword: t })],
      ['authenticator app', () => client.post('/api/v1/settings/totp', { tradingPassword: t })],
      ['recovery codes', () => client.post('/api/v1/settings/recovery-codes', { tradingPassword: t })],
      ['passkey', () => client.post('/api/v1/settings/passkeys/options', { tradingPassword: t })],
      ['withdrawal', () => client.post('/api/v1/withdrawals', { amount: 10_000, tradingPassword: t, idempotencyKey: `m2fa-${Date.now()}` })],
    ];
    for (const [name, send] of decisions) {
      const response = await send();
      expect(response.status, `${name}: ${JSON.stringify(response.body)}`).toBe(403);
      expect(response.body.error, name).toBe('step_up_required');
      expect(response.body.challenge.methods.map((m: { type: string }) => m.type), name).toContain('sms');
    }
    // Nothing changed: the old password still signs in, the cash is all there.
    expect((await client.get('/api/v1/account')).body.cash.available).toBe(1_000_000);
    expect((await client.get('/api/v1/settings/totp')).body).toEqual({ enrolled: false, pending: false });
  });

  it('a phone change proves the number on record first, then the new one: a code to the new number alone is not enough', async () => {
    const { customer, client } = await policyCustomer();
    const change = { phone: '080-6666-7777', tradingPassword: customer.tradingPassword };
    const first = await client.put('/api/v1/settings/phone', change);
    expect(first.status).toBe(403);
    expect(first.body.challenge).toMatchObject({ purpose: 'phone_change', methods: [{ type: 'sms', phoneLast4: customer.phone!.slice(-4) }] });
    await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!);
    const second = await client.put('/api/v1/settings/phone', { ...change, challengeId: first.body.challenge.id });
    expect(second.status).toBe(403);
    expect(second.body.challenge).toMatchObject({ purpose: 'phone_verification', methods: [{ type: 'sms', phoneLast4: '7777' }] });
    await passChallengeBySms(server, client, second.body.challenge.id, '080-6666-7777');
    const done = await client.put('/api/v1/settings/phone', { ...change, challengeId: second.body.challenge.id });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.phone).toMatchObject({ last4: '7777', verified: true });
  });

  it('a withdrawal approved with the second factor goes through; orders stay guarded by the trading password alone', async () => {
    const { customer, client } = await policyCustomer();
    const withdrawal = { amount: 30_000, tradingPassword: customer.tradingPassword, idempotencyKey: `m2fa-w-${Date.now()}` };
    const first = await client.post('/api/v1/withdrawals', withdrawal);
    expect(first.status).toBe(403);
    expect((await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!)).status).toBe(200);
    const done = await client.post('/api/v1/withdrawals', { ...withdrawal, challengeId: first.body.challenge.id });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    const instruments = (await client.get('/api/v1/instruments')).body;
    const order = await client.post('/api/v1/orders', { symbol: instruments[0].symbol, side: 'buy', quantity: 1, tradingPassword: customer.tradingPassword, idempotencyKey: `m2fa-o-${Date.now()}` });
    expect(order.status).toBe(201);
  });
});
