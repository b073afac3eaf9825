import { describe, expect, it } from 'vitest';
import { useTestServer, withTestServer } from '../support/harness.js';
import { createCustomer, e164, latestCode, outbox, signInWithPassword, confirmNewEmail } from '../support/flows.js';
import type { HttpClient } from '../support/http-client.js';
import { BANK, newAuthenticator, registerPasskey, signInWithPasskey } from '../factors/support/factor-flows.js';

// Issue 11.2: JSDA 2025 mode walked around with relayed factors. A phishing site relays the password,
// an SMS code and the trading password, registers the attacker's passkey with them, and tries to take
// 900,000 yen with it. Under the policy a new passkey approves no money until the cooling-off has
// passed and every old contact has been told; a passkey already there guards every factor change.

const JSDA = { KABUTO_MFA_REQUIRED: '1', KABUTO_PHISHING_RESISTANT: 'login,withdrawal,bank_account' };
const types = (challenge: { methods: Array<{ type: string }> }) => challenge.methods.map((m) => m.type);

describe('JSDA mode against a real-time phishing relay', () => {
  const server = useTestServer({ env: JSDA }, { per: 'suite' });

  /** The phishing site's side: whatever code the victim reads out of their SMS, the site types in. */
  async function relaySms(client: HttpClient, challengeId: string, phone: string) {
    expect((await client.post(`/api/v1/challenges/${challengeId}/sms`)).status).toBe(200);
    return client.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code: await latestCode(server, phone) });
  }

  it("relayed password + SMS + trading password register the attacker's passkey, which then cannot take 900,000 yen", async () => {
    const victim = await createCustomer(server, { cash: 1_000_000, bankAccount: BANK });
    const attacker = server.client();
    const login = await signInWithPassword(attacker, victim);
    expect(login.body.status).toBe('second_factor_required');
    expect((await relaySms(attacker, login.body.challenge.id, victim.phone!)).body.status).toBe('signed_in');
    // First the notices are redirected: the e-mail address becomes the attacker's (one more relayed code).
    const redirect = { email: `phisher-${victim.email}`, tradingPassword: victim.tradingPassword };
    const emailStep = await attacker.put('/api/v1/settings/profile', redirect);
    expect(emailStep.status).toBe(403);
    expect((await relaySms(attacker, emailStep.body.challenge.id, victim.phone!)).status).toBe(200);
    expect((await attacker.put('/api/v1/settings/profile', { ...redirect, challengeId: emailStep.body.challenge.id })).status).toBe(200);
    // The attacker holds the new mailbox: its confirmation code comes back (issue 16.4).
    await confirmNewEmail(server, attacker, redirect.email);

    const step = await attacker.post('/api/v1/settings/passkeys/options', { tradingPassword: victim.tradingPassword });
    expect(step.status).toBe(403);
    expect((await relaySms(attacker, step.body.challenge.id, victim.phone!)).status).toBe(200);
    const options = await attacker.post('/api/v1/settings/passkeys/options', { tradingPassword: victim.tradingPassword, challengeId: step.body.challenge.id });
    expect(options.status).toBe(200);
    const thief = newAuthenticator(server);
    const added = await attacker.post('/api/v1/settings/passkeys', { name: 'thief', response: thief.register(options.body) });
    expect(added.status).toBe(201);
    expect(Date.parse(added.body.approvesMoneyFrom)).toBeGreaterThan(server.clock.now() + 23 * 3600_000);

    const withdrawal = { amount: 900_000, tradingPassword: victim.tradingPassword, idempotencyKey: 'relay-900k' };
    const refused = await attacker.post('/api/v1/withdrawals', withdrawal);
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body.error).toBe('factor_cooling_off');
    expect(refused.body.availableAt).toBe(added.body.approvesMoneyFrom);
    // No bank change with it either.
    const bank = await attacker.put('/api/v1/settings/profile', { bankAccount: { ...BANK, accountNumber: '6666666' }, tradingPassword: victim.tradingPassword });
    expect(bank.status).toBe(403);
    expect(bank.body.error).toBe('factor_cooling_off');
    expect((await attacker.get('/api/v1/account')).body.cash).toEqual({ available: 1_000_000, pending: 0 });

    // The victim's own channels heard of it at once: the address replaced minutes before, and the phone.
    expect((await outbox(server, victim.email)).some((m) => m.subject?.includes('パスキーを登録しました'))).toBe(true);
    expect((await outbox(server, e164(victim.phone!))).some((m) => m.body.includes('パスキーが登録されました'))).toBe(true);

    // The victim, told, signs in with their own code (the planted passkey does not lock them out while
    // it is young) and removes it with their own factor; the removal ends every other session.
    server.clock.advance(61 * 60_000);
    const own = server.client();
    const back = await signInWithPassword(own, victim);
    expect(back.body.challenge.methods.map((m: { type: string }) => m.type)).toContain('sms');
    expect((await relaySms(own, back.body.challenge.id, victim.phone!)).body.status).toBe('signed_in');
    const planted = (await own.get('/api/v1/settings/passkeys')).body.passkeys[0];
    const removal = await own.request('DELETE', `/api/v1/settings/passkeys/${planted.id}`, { tradingPassword: victim.tradingPassword });
    expect(removal.status).toBe(403);
    expect(types(removal.body.challenge)).toContain('sms');
    expect((await relaySms(own, removal.body.challenge.id, victim.phone!)).status).toBe(200);
    const removed = await own.request('DELETE', `/api/v1/settings/passkeys/${planted.id}`, { tradingPassword: victim.tradingPassword, challengeId: removal.body.challenge.id });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect((await attacker.get('/api/v1/me')).status).toBe(401);
  });

  it('a passkey still in its cooling-off cannot answer a withdrawal challenge issued on an older passkey', async () => {
    const customer = await createCustomer(server, { cash: 500_000, bankAccount: BANK });
    const client = server.client();
    const login = await signInWithPassword(client, customer);
    expect((await relaySms(client, login.body.challenge.id, customer.phone!)).body.status).toBe('signed_in');
    // The customer's own passkey, old enough.
    const own = newAuthenticator(server);
    await registerPasskey(server, client, customer, own);
    server.clock.advance(24 * 3600_000 + 1_000);
    expect((await signInWithPasskey(client, own)).status).toBe(200);
    // A second passkey, approved with the first (an SMS code is refused for it).
    const step = await client.post('/api/v1/settings/passkeys/options', { tradingPassword: customer.tradingPassword });
    expect(step.status).toBe(403);
    expect(types(step.body.challenge)).toEqual(['passkey']);
    const sms = await client.post(`/api/v1/challenges/${step.body.challenge.id}/verify`, { method: 'sms', code: '123456' });
    expect(sms.body.error).toBe('phishing_resistant_required');
    const assertion = await client.post(`/api/v1/challenges/${step.body.challenge.id}/passkey-options`);
    expect((await client.post(`/api/v1/challenges/${step.body.challenge.id}/verify`, { method: 'passkey', response: own.assert(assertion.body) })).status).toBe(200);
    const options = await client.post('/api/v1/settings/passkeys/options', { tradingPassword: customer.tradingPassword, challengeId: step.body.challenge.id });
    expect(options.status).toBe(200);
    const young = newAuthenticator(server);
    expect((await client.post('/api/v1/settings/passkeys', { name: 'young', response: young.register(options.body) })).status).toBe(201);

    const withdrawal = { amount: 100_000, tradingPassword: customer.tradingPassword, idempotencyKey: 'young-key' };
    const first = await client.post('/api/v1/withdrawals', withdrawal);
    expect(first.status).toBe(403);
    expect(first.body.error).toBe('step_up_required');
    const id = first.body.challenge.id;
    const youngOptions = await client.post(`/api/v1/challenges/${id}/passkey-options`);
    const byYoung = await client.post(`/api/v1/challenges/${id}/verify`, { method: 'passkey', response: young.assert(youngOptions.body) });
    expect(byYoung.status).toBe(403);
    expect(byYoung.body.error).toBe('factor_cooling_off');
    const ownOptions = await client.post(`/api/v1/challenges/${id}/passkey-options`);
    expect((await client.post(`/api/v1/challenges/${id}/verify`, { method: 'passkey', response: own.assert(ownOptions.body) })).status).toBe(200);
    const done = await client.post('/api/v1/withdrawals', { ...withdrawal, challengeId: id });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
  });

  it('with 2FA off and no mandatory policy, a passkey past its cooling-off still guards every factor change (the trading password alone is refused)', async () => {
    await withTestServer({ env: { KABUTO_PHISHING_RESISTANT: 'withdrawal,bank_account' } }, async (lenient) => {
      const customer = await createCustomer(lenient);
      const client = lenient.client();
      await signInWithPassword(client, customer);
      const own = newAuthenticator(lenient);
      await registerPasskey(lenient, client, customer, own);
      lenient.clock.advance(24 * 3600_000 + 1_000);
      expect((await signInWithPasskey(client, own)).status).toBe(200);
      for (const path of ['/api/v1/settings/passkeys/options', '/api/v1/settings/totp', '/api/v1/settings/recovery-codes']) {
        const next = await client.post(path, { tradingPassword: customer.tradingPassword });
        expect(next.status, path).toBe(403);
        expect(next.body.error, path).toBe('step_up_required');
        expect(next.body.challenge.methods, path).toEqual([{ type: 'passkey' }]);
      }
    });
  });
});
