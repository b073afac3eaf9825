import { describe, expect, it } from 'vitest';
import { dialect, useTestServer } from '../support/harness.js';
import { createCustomer, passChallengeBySms, signedInWithSms, signInWithPassword, type TestCustomer, confirmNewEmail } from '../support/flows.js';
import type { HttpClient } from '../support/http-client.js';
import { newAuthenticator, registerPasskey, withStepUp } from '../factors/support/factor-flows.js';
import { BANK, withdraw } from '../money/money-support.js';

// Issue 11 (also): a verified step-up belongs to the session that earned it, not to the customer;
// phone, e-mail and factor changes end the customer's other sessions, as a password change does.

describe(`step-ups belong to their session; contact and factor changes end the others (${dialect})`, () => {
  const server = useTestServer({}, { per: 'suite' });

  /** A second browser of the same customer, signed in with its own code. */
  async function secondSession(customer: TestCustomer): Promise<HttpClient> {
    const other = server.client();
    const login = await signInWithPassword(other, customer);
    expect((await passChallengeBySms(server, other, login.body.challenge.id, customer.phone!)).body.status).toBe('signed_in');
    return other;
  }

  it('a challenge verified in session A cannot be consumed by session B of the same customer', async () => {
    const { customer, client: a } = await signedInWithSms(server, undefined, 'all');
    const b = await secondSession(customer);
    const change = { address: '福岡県福岡市', tradingPassword: customer.tradingPassword };
    const first = await a.put('/api/v1/settings/profile', change);
    expect(first.status).toBe(403);
    expect((await passChallengeBySms(server, a, first.body.challenge.id, customer.phone!)).status).toBe(200);

    const stolen = await b.put('/api/v1/settings/profile', { ...change, challengeId: first.body.challenge.id });
    expect(stolen.status).toBe(403);
    expect(stolen.body.error).toBe('challenge_mismatch');
    // A, whose token was rotated by the step-up, still uses it.
    expect((await a.put('/api/v1/settings/profile', { ...change, challengeId: first.body.challenge.id })).status).toBe(200);
  });

  it('nor a withdrawal approved in session A', async () => {
    const { customer, client: a } = await signedInWithSms(server, await createCustomer(server, { cash: 200_000, bankAccount: BANK }), 'all');
    const b = await secondSession(customer);
    const first = await withdraw(a, customer, 50_000, { idempotencyKey: 'session-a' });
    expect(first.status).toBe(403);
    expect((await passChallengeBySms(server, a, first.body.challenge.id, customer.phone!)).status).toBe(200);
    const stolen = await withdraw(b, customer, 50_000, { challengeId: first.body.challenge.id });
    expect(stolen.status).toBe(403);
    expect(stolen.body.error).toBe('challenge_mismatch');
    expect((await withdraw(a, customer, 50_000, { challengeId: first.body.challenge.id })).status).toBe(201);
  });

  it('a phone change ends the other sessions', async () => {
    const { customer, client } = await signedInWithSms(server, undefined, 'login');
    const other = await secondSession(customer);
    const newPhone = '080-5151-6262';
    const first = await client.put('/api/v1/settings/phone', { phone: newPhone, tradingPassword: customer.tradingPassword });
    await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!);
    const second = await client.put('/api/v1/settings/phone', { phone: newPhone, tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    await passChallengeBySms(server, client, second.body.challenge.id, newPhone);
    const done = await client.put('/api/v1/settings/phone', { phone: newPhone, tradingPassword: customer.tradingPassword, challengeId: second.body.challenge.id });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await other.get('/api/v1/me')).status).toBe(401);
    expect((await client.get('/api/v1/me')).status).toBe(200);
  });

  it('an e-mail change ends the other sessions', async () => {
    const { customer, client } = await signedInWithSms(server, undefined, 'login');
    const other = await secondSession(customer);
    const done = await client.put('/api/v1/settings/profile', { email: `moved-${customer.email}`, tradingPassword: customer.tradingPassword });
    expect(done.status).toBe(200);
    // It takes effect with the code sent to the new address (issue 16.4): then the other sessions end.
    expect((await other.get('/api/v1/me')).status).toBe(200);
    await confirmNewEmail(server, client, `moved-${customer.email}`);
    expect((await other.get('/api/v1/me')).status).toBe(401);
    expect((await client.get('/api/v1/me')).status).toBe(200);
  });

  it('adding a passkey, generating recovery codes and removing a passkey each end the other sessions', async () => {
    const { customer, client } = await signedInWithSms(server, undefined, 'login');
    let other = await secondSession(customer);
    const passkey = await registerPasskey(server, client, customer, newAuthenticator(server));
    expect((await other.get('/api/v1/me')).status).toBe(401);

    server.clock.advance(61 * 60_000);
    // The first session went idle meanwhile: sign both in again (the SMS hour cap has passed too).
    const fresh = await secondSession(customer);
    other = await secondSession(customer);
    const codes = await withStepUp(server, fresh, customer, (challengeId) =>
      fresh.post('/api/v1/settings/recovery-codes', { tradingPassword: customer.tradingPassword, ...(challengeId ? { challengeId } : {}) }),
    );
    expect(codes.status).toBe(201);
    expect((await other.get('/api/v1/me')).status).toBe(401);

    other = await secondSession(customer);
    const removed = await withStepUp(server, fresh, customer, (challengeId) =>
      fresh.request('DELETE', `/api/v1/settings/passkeys/${passkey.id}`, { tradingPassword: customer.tradingPassword, ...(challengeId ? { challengeId } : {}) }),
    );
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect((await other.get('/api/v1/me')).status).toBe(401);
    expect((await fresh.get('/api/v1/me')).status).toBe(200);
  });
});
