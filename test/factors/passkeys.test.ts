import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, outbox, signedIn, signedInWithSms, signInWithPassword } from '../support/flows.js';
import { newAuthenticator, registerPasskey, signInWithPasskey, withStepUp } from './support/factor-flows.js';

describe('passkeys', () => {
  const server = useTestServer({}, { per: 'suite' });

  it('registers several named passkeys, lists them and removes one', async () => {
    const { customer, client } = await signedInWithSms(server);
    await registerPasskey(server, client, customer, newAuthenticator(server), 'iPhone');
    await registerPasskey(server, client, customer, newAuthenticator(server), 'YubiKey');
    const listed = await client.get('/api/v1/settings/passkeys');
    expect(listed.body.passkeys.map((p: { name: string }) => p.name)).toEqual(['iPhone', 'YubiKey']);
    const mails = await outbox(server, customer.email);
    expect(mails.some((m) => m.subject?.includes('パスキーを登録しました'))).toBe(true);

    const id = listed.body.passkeys[0].id;
    const first = await client.request('DELETE', `/api/v1/settings/passkeys/${id}`, { tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    expect(first.body.error).toBe('step_up_required');
    expect(first.body.challenge.purpose).toBe('mfa_settings');
    const removed = await withStepUp(server, client, customer, (challengeId) =>
      client.request('DELETE', `/api/v1/settings/passkeys/${id}`, { tradingPassword: customer.tradingPassword, ...(challengeId ? { challengeId } : {}) }),
    );
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect((await client.get('/api/v1/settings/passkeys')).body.passkeys.map((p: { name: string }) => p.name)).toEqual(['YubiKey']);
  });

  it('keeps the last passkey while it is the chosen method', async () => {
    const { customer, client } = await signedIn(server);
    await registerPasskey(server, client, customer, newAuthenticator(server));
    expect((await client.put('/api/v1/settings/mfa', { method: 'passkey', scope: 'all', tradingPassword: customer.tradingPassword })).status).toBe(200);
    const [only] = (await client.get('/api/v1/settings/passkeys')).body.passkeys;
    const refused = await client.request('DELETE', `/api/v1/settings/passkeys/${only.id}`, { tradingPassword: customer.tradingPassword });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'method_unavailable', reason: 'last_passkey_in_use' });
  });

  it("an operator's MFA reset (lost phone) removes passkeys too", async () => {
    const { customer, client } = await signedIn(server);
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, client, customer, authenticator);
    expect((await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/mfa/reset`)).status).toBeLessThan(300);
    expect((await signInWithPasskey(server.client(), authenticator)).status).toBe(401);
  });

  it('enrolment with MFA on needs the current factor, and the trading password first', async () => {
    const { customer, client } = await signedInWithSms(server);
    const wrong = await client.post('/api/v1/settings/passkeys/options', { tradingPassword: 'wrong wrong wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_trading_password');
    const right = await client.post('/api/v1/settings/passkeys/options', { tradingPassword: customer.tradingPassword });
    expect(right.status).toBe(403);
    expect(right.body.error).toBe('step_up_required');
    expect(right.body.challenge.purpose).toBe('mfa_settings');
  });

  it('signs in with a passkey alone (discoverable, user verification), both factors at once', async () => {
    const { customer, client } = await signedIn(server);
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, client, customer, authenticator);

    const fresh = server.client();
    const options = await fresh.post('/api/v1/login/passkey-options');
    expect(options.body.userVerification).toBe('required');
    expect(options.body.allowCredentials ?? []).toEqual([]);
    const passkeySignIn = await fresh.post('/api/v1/login/passkey', { response: authenticator.assert(options.body) });
    expect(passkeySignIn.status, JSON.stringify(passkeySignIn.body)).toBe(200);
    expect(passkeySignIn.body.status).toBe('signed_in');
    expect(passkeySignIn.body.customer.loginId).toBe(customer.loginId);
    expect((await fresh.get('/api/v1/me')).status).toBe(200);
  });

  it('answers 401 invalid_credentials for an assertion that does not verify', async () => {
    const { customer, client } = await signedIn(server);
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, client, customer, authenticator);

    // Made on another origin (a phishing site relaying the ceremony).
    const phished = await signInWithPasskey(server.client(), authenticator, { origin: 'https://kabuto-login.example' });
    expect(phished.status).toBe(401);
    expect(phished.body.error).toBe('invalid_credentials');

    // An unknown credential.
    const stranger = await signInWithPasskey(server.client(), newAuthenticator(server));
    expect(stranger.status).toBe(401);

    // The same assertion twice: the challenge is single-use.
    const replayClient = server.client();
    const options = await replayClient.post('/api/v1/login/passkey-options');
    const assertion = authenticator.assert(options.body);
    expect((await replayClient.post('/api/v1/login/passkey', { response: assertion })).status).toBe(200);
    const replay = await server.client().post('/api/v1/login/passkey', { response: assertion });
    expect(replay.status).toBe(401);

    // Without user verification (presence only) a passkey is one factor, not two.
    authenticator.userVerified = false;
    expect((await signInWithPasskey(server.client(), authenticator)).status).toBe(401);
    authenticator.userVerified = true;

    // An expired challenge.
    const late = server.client();
    const lateOptions = await late.post('/api/v1/login/passkey-options');
    server.clock.advance(6 * 60_000);
    expect((await late.post('/api/v1/login/passkey', { response: authenticator.assert(lateOptions.body) })).status).toBe(401);

    // Garbage.
    expect((await server.client().post('/api/v1/login/passkey', { response: { id: 'x', response: { clientDataJSON: '!!' } } })).status).toBe(401);
  });

  it('refuses a cloned passkey whose signature counter went backwards, and records it', async () => {
    const { customer, client } = await signedIn(server);
    const original = newAuthenticator(server);
    await registerPasskey(server, client, customer, original);
    const clone = original.clone();

    expect((await signInWithPasskey(server.client(), original)).status).toBe(200);
    expect((await signInWithPasskey(server.client(), original)).status).toBe(200);
    // The clone was copied before those two uses: its counter is behind the one stored.
    const cloned = await signInWithPasskey(server.client(), clone);
    expect(cloned.status).toBe(401);
    expect(cloned.body.error).toBe('invalid_credentials');
    expect(server.logs.some((l) => l.includes('passkey_counter_regression'))).toBe(true);
    const audit = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`);
    expect(JSON.stringify(audit.body)).toContain('passkey_counter_regression');
  });

  it('accepts authenticators that keep no counter (always 0), as synced passkeys do', async () => {
    const { customer, client } = await signedIn(server);
    const synced = newAuthenticator(server, { keepsCounter: false });
    await registerPasskey(server, client, customer, synced);
    expect((await signInWithPasskey(server.client(), synced)).status).toBe(200);
    expect((await signInWithPasskey(server.client(), synced)).status).toBe(200);
  });

  it('verifies a login challenge and a withdrawal challenge with a passkey', async () => {
    const customer = await createCustomer(server, { cash: 500_000, bankAccount: { bankName: 'みずほ銀行', branchName: '本店', accountNumber: '7654321', holderName: 'テスト' } });
    const { client } = await signedInWithSms(server, customer, 'all');
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, client, customer, authenticator);

    const withdrawal = { amount: 10_000, tradingPassword: customer.tradingPassword, idempotencyKey: 'passkey-w-1' };
    const first = await client.post('/api/v1/withdrawals', withdrawal);
    expect(first.status).toBe(403);
    const methods = first.body.challenge.methods.map((m: { type: string }) => m.type);
    expect(methods).toEqual(expect.arrayContaining(['sms', 'passkey']));
    const id = first.body.challenge.id;
    const options = await client.post(`/api/v1/challenges/${id}/passkey-options`);
    expect(options.status).toBe(200);
    expect(options.body.allowCredentials).toHaveLength(1);
    const verified = await client.post(`/api/v1/challenges/${id}/verify`, { method: 'passkey', response: authenticator.assert(options.body) });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    const done = await client.post('/api/v1/withdrawals', { ...withdrawal, challengeId: id });
    expect(done.status, JSON.stringify(done.body)).toBe(201);

    const login = await signInWithPassword(server.client(), customer);
    expect(login.body.status).toBe('second_factor_required');
    const anonymous = server.client();
    const loginOptions = await anonymous.post(`/api/v1/challenges/${login.body.challenge.id}/passkey-options`);
    const passkeySignIn = await anonymous.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'passkey', response: authenticator.assert(loginOptions.body) });
    expect(passkeySignIn.status).toBe(200);
    expect(passkeySignIn.body.status).toBe('signed_in');
  });

  it('a wrong passkey answer to a challenge counts as a wrong attempt', async () => {
    const { customer, client } = await signedIn(server);
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, client, customer, authenticator);
    await client.put('/api/v1/settings/mfa', { method: 'passkey', scope: 'all', tradingPassword: customer.tradingPassword });

    const login = await signInWithPassword(server.client(), customer);
    const id = login.body.challenge.id;
    const anonymous = server.client();
    const options = await anonymous.post(`/api/v1/challenges/${id}/passkey-options`);
    const wrong = await anonymous.post(`/api/v1/challenges/${id}/verify`, { method: 'passkey', response: authenticator.assert(options.body, { origin: 'https://evil.example' }) });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_code', attemptsLeft: 4 });
  });
});
