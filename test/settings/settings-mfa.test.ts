import { describe, expect, it } from 'vitest';
import { useTestServer, withTestServer } from '../support/harness.js';
import { createCustomer, e164, enableSms, latestCode, outbox, passChallengeBySms, signedIn, signedInWithSms, signInWithPassword } from '../support/flows.js';

describe('二要素認証 settings', () => {
  const server = useTestServer();

  it('shows the method, scope, policy and SMS availability', async () => {
    const { client } = await signedIn(server);
    const settings = await client.get('/api/v1/settings/mfa');
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ method: 'none', scope: 'all', requiredByPolicy: false, available: { sms: { available: true } } });
  });

  it('greys SMS out for a landline and for no number, with the reason', async () => {
    for (const [phone, reason] of [['03-1234-9876', 'landline'], [undefined, 'no_phone']] as const) {
      const { customer, client } = await signedIn(server, { phone });
      expect((await client.get('/api/v1/settings/mfa')).body.available.sms).toEqual({ available: false, reason });
      const refused = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: customer.tradingPassword });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ error: 'sms_unavailable', reason });
    }
  });

  it('checks the trading password before sending any code: 401 with attemptsLeft, then 423 trading_locked', async () => {
    const { customer, client } = await signedIn(server);
    for (let left = 4; left >= 1; left--) {
      const wrong = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: 'not the trading password' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ error: 'invalid_trading_password', attemptsLeft: left });
    }
    const locking = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: 'not the trading password' });
    expect(locking.status).toBe(423);
    expect(locking.body.error).toBe('trading_locked');
    const right = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: customer.tradingPassword });
    expect(right.status).toBe(423);
    expect(await outbox(server, e164(customer.phone!))).toEqual([]);
    expect((await outbox(server, customer.email))[0]!.subject).toContain('取引パスワードをロックしました');
    server.clock.advance(30 * 60_000 + 1000);
    await signInWithPassword(client, customer); // the session idled out meanwhile
    expect((await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: customer.tradingPassword })).status).toBe(403);
  });

  it('refuses a missing trading password with 400 invalid_request', async () => {
    const { client } = await signedIn(server);
    const response = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request', field: 'tradingPassword' });
  });

  it('turning SMS on proves the phone, notifies by e-mail and writes the security history', async () => {
    const { customer, client } = await signedIn(server);
    expect((await client.get('/api/v1/me')).body.phone.verified).toBe(false);
    await enableSms(server, client, customer, 'all');
    expect((await client.get('/api/v1/me')).body).toMatchObject({ phone: { verified: true }, mfa: { method: 'sms', scope: 'all' } });
    expect((await outbox(server, customer.email))[0]!.subject).toContain('二要素認証の設定を変更しました');
    const history = await client.get('/api/v1/history/security');
    expect(history.body[0]).toMatchObject({ action: 'mfa_changed', detail: { to: { method: 'sms', scope: 'all' } } });
  });

  it('binds the challenge to the settings it was issued for (403 challenge_mismatch)', async () => {
    const { customer, client } = await signedIn(server);
    const first = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    expect(first.body).toMatchObject({ error: 'step_up_required', challenge: { purpose: 'mfa_settings' } });
    await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!);
    const other = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('challenge_mismatch');
    const same = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(same.status).toBe(200);
    const twice = await client.put('/api/v1/settings/mfa', { method: 'none', scope: 'login', tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(twice.body.error).toBe('challenge_mismatch');
  });

  it('refuses an unverified challenge and a login challenge as step-up', async () => {
    const { customer, client } = await signedInWithSms(server);
    const unverified = await client.put('/api/v1/settings/mfa', { method: 'none', scope: 'all', tradingPassword: customer.tradingPassword });
    const used = await client.put('/api/v1/settings/mfa', { method: 'none', scope: 'all', tradingPassword: customer.tradingPassword, challengeId: unverified.body.challenge.id });
    expect(used.body.error).toBe('challenge_mismatch');
    const login = await signInWithPassword(server.client(), customer);
    const loginChallenge = login.body.challenge.id;
    const viaLogin = await client.put('/api/v1/settings/mfa', { method: 'none', scope: 'all', tradingPassword: customer.tradingPassword, challengeId: loginChallenge });
    expect(viaLogin.status).toBe(403);
    expect(viaLogin.body.error).toBe('challenge_mismatch');
  });

  it('turning 2FA off (利用しない) needs the current factor', async () => {
    const { customer, client } = await signedInWithSms(server);
    const first = await client.put('/api/v1/settings/mfa', { method: 'none', scope: 'all', tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!);
    const off = await client.put('/api/v1/settings/mfa', { method: 'none', scope: 'all', tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(off.status).toBe(200);
    expect(off.body.method).toBe('none');
    expect((await signInWithPassword(server.client(), customer)).body.status).toBe('signed_in');
  });

  it('a challenge of one customer cannot be verified from another customer’s session', async () => {
    const a = await signedInWithSms(server);
    const b = await signedInWithSms(server);
    const step = await a.client.put('/api/v1/settings/mfa', { method: 'none', scope: 'all', tradingPassword: a.customer.tradingPassword });
    const stolen = await b.client.post(`/api/v1/challenges/${step.body.challenge.id}/sms`);
    expect(stolen.status).toBe(404);
    expect((await b.client.post(`/api/v1/challenges/${step.body.challenge.id}/verify`, { method: 'sms', code: '123456' })).status).toBe(404);
  });
});

describe('mandatory 2FA policy (KABUTO_MFA_REQUIRED=1)', () => {
  const server = useTestServer({ env: { KABUTO_MFA_REQUIRED: '1' } });

  it('requires a code at every login and refuses 利用しない with 409 mfa_required_by_policy', async () => {
    const customer = await createCustomer(server);
    const client = server.client();
    const login = await signInWithPassword(client, customer);
    expect(login.body.status).toBe('second_factor_required');
    const verified = await passChallengeBySms(server, client, login.body.challenge.id, customer.phone!);
    expect(verified.body.customer.mfa.requiredByPolicy).toBe(true);
    const off = await client.put('/api/v1/settings/mfa', { method: 'none', scope: 'all', tradingPassword: customer.tradingPassword });
    expect(off.status).toBe(409);
    expect(off.body.error).toBe('mfa_required_by_policy');
    expect((await client.get('/api/v1/settings/mfa')).body.requiredByPolicy).toBe(true);
  });

  it('accepts an 8-character login password under the mandatory policy, not without it', async () => {
    const created = await server.admin().post('/api/admin/v1/customers', { name: 'x', email: 'short@example.jp', password: 'Kx8#pq2m', tradingPassword: 'trading-secret-1' });
    expect(created.status).toBe(201);
    await withTestServer({}, async (strict) => {
      const refused = await strict.admin().post('/api/admin/v1/customers', { name: 'x', email: 'short@example.jp', password: 'Kx8#pq2m', tradingPassword: 'trading-secret-1' });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'weak_password', reason: 'too_short' });
    });
  });
});

describe('the SMS code names the purpose', () => {
  const server = useTestServer();

  it('says 二要素認証の設定変更 for the MFA settings step-up', async () => {
    const { customer, client } = await signedIn(server);
    const first = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: customer.tradingPassword });
    await client.post(`/api/v1/challenges/${first.body.challenge.id}/sms`);
    const [sms] = await outbox(server, e164(customer.phone!));
    expect(sms!.body).toContain('二要素認証の設定変更の確認コード');
    expect(await latestCode(server, customer.phone!)).toMatch(/^\d{6}$/);
  });
});
