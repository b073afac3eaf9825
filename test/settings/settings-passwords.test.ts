import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { outbox, passChallengeBySms, signedIn, signedInWithSms, signInWithPassword, confirmNewEmail } from '../support/flows.js';

describe('password changes', () => {
  const server = useTestServer();

  it('refuses weak passwords with the reason: too short, too common, containing the login ID, too long, same as the trading password', async () => {
    const { customer, client } = await signedIn(server);
    const cases: Array<[string, string]> = [
      ['short-pass', 'too_short'],
      ['passwordpassword', 'too_common'],
      ['1qaz2wsx3edc4rfv', 'too_common'],
      ['QWERTYUIOP12345', 'too_common'],
      [`my ${customer.loginId} password`, 'contains_login_id'],
      ['x'.repeat(60) + 'y'.repeat(70), 'too_long'],
      [customer.tradingPassword.padEnd(15, '!'), 'same_as_other_password'],
    ];
    // The trading password may be shorter than 15; pad so that only the "same as" rule can apply.
    await client.put('/api/v1/settings/trading-password', { currentPassword: customer.tradingPassword, newPassword: customer.tradingPassword.padEnd(15, '!') });
    for (const [newPassword, reason] of cases) {
      const response = await client.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword });
      expect(response.status, reason).toBe(400);
      expect(response.body, reason).toMatchObject({ error: 'weak_password', reason });
    }
  });

  it('refuses a wrong current password (401 invalid_password)', async () => {
    const { client } = await signedIn(server);
    const response = await client.put('/api/v1/settings/password', { currentPassword: 'not my password at all', newPassword: 'a fine new passphrase 42' });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_password');
  });

  it('changes the login password: other sessions end, this one is rotated, the owner is told', async () => {
    const { customer, client: other } = await signedIn(server);
    const client = server.client();
    await signInWithPassword(client, customer);
    const before = client.sessionCookie;
    const response = await client.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword: 'a fine new passphrase 42' });
    expect(response.status).toBe(200);
    expect(client.sessionCookie).not.toBe(before);
    expect((await client.get('/api/v1/me')).status).toBe(200);
    expect((await other.get('/api/v1/me')).status).toBe(401);
    const stale = server.client();
    stale.cookies.set('kabuto_session', before!);
    expect((await stale.get('/api/v1/me')).status).toBe(401);
    expect((await signInWithPassword(server.client(), customer)).status).toBe(401);
    expect((await server.client().post('/api/v1/login', { loginId: customer.loginId, password: 'a fine new passphrase 42' })).status).toBe(200);
    // The sign-in just above came from a new device, so its notice may be the newest.
    expect((await outbox(server, customer.email)).map((m) => m.subject)).toContainEqual(expect.stringContaining('ログインパスワードを変更しました'));
  });

  it('changes the trading password with the second factor when 2FA is on', async () => {
    const { customer, client } = await signedInWithSms(server);
    const body = { currentPassword: customer.tradingPassword, newPassword: 'new-trading-pw-9' };
    const first = await client.put('/api/v1/settings/trading-password', body);
    expect(first.status).toBe(403);
    expect(first.body.challenge.purpose).toBe('password_change');
    await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!);
    // The verified challenge is bound to this new password, not to another one.
    const swapped = await client.put('/api/v1/settings/trading-password', { ...body, newPassword: 'attacker-trading-1', challengeId: first.body.challenge.id });
    expect(swapped.body.error).toBe('challenge_mismatch');
    const done = await client.put('/api/v1/settings/trading-password', { ...body, challengeId: first.body.challenge.id });
    expect(done.status).toBe(200);
    const usesNew = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: 'new-trading-pw-9' });
    expect(usesNew.status).toBe(403); // past the trading password, asking for the code
  });

  it('refuses a trading password equal to the login password', async () => {
    const { customer, client } = await signedIn(server);
    const response = await client.put('/api/v1/settings/trading-password', { currentPassword: customer.tradingPassword, newPassword: customer.password });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'weak_password', reason: 'same_as_other_password' });
  });
});

describe('登録情報の変更: PUT /api/v1/settings/profile', () => {
  const server = useTestServer();

  it('with scope all, needs a code bound to the new details; the old and new e-mail are told', async () => {
    const { customer, client } = await signedInWithSms(server);
    const change = { email: 'new-address@example.jp', bankAccount: { bankName: '三菱UFJ銀行', branchName: '本店', accountNumber: '1112223', holderName: 'テスト' } };
    const first = await client.put('/api/v1/settings/profile', { ...change, tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    expect(first.body.challenge.purpose).toBe('registration_change');
    await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!);
    const other = await client.put('/api/v1/settings/profile', { ...change, bankAccount: { ...change.bankAccount, accountNumber: '9999999' }, tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(other.body.error).toBe('challenge_mismatch');
    const done = await client.put('/api/v1/settings/profile', { ...change, tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(done.status).toBe(200);
    // The bank account at once; the e-mail once the code sent to it comes back (issue 16.4).
    expect(done.body).toMatchObject({ email: customer.email, pendingEmail: 'new-address@example.jp', bankAccount: { last4: '2223' } });
    expect((await outbox(server, customer.email))[0]!.subject).toContain('登録情報を変更しました');
    await confirmNewEmail(server, client, 'new-address@example.jp');
    expect((await client.get('/api/v1/settings/profile')).body).toMatchObject({ email: 'new-address@example.jp', pendingEmail: null });
    expect((await outbox(server, customer.email))[0]!.subject).toContain('登録情報を変更しました');
    expect((await outbox(server, 'new-address@example.jp'))[0]!.subject).toContain('登録情報を変更しました');
  });

  it('with scope login, needs only the trading password', async () => {
    const { customer, client } = await signedInWithSms(server, undefined, 'login');
    const done = await client.put('/api/v1/settings/profile', { address: '大阪府大阪市北区1-1', tradingPassword: customer.tradingPassword });
    expect(done.status).toBe(200);
    expect(done.body.address).toBe('大阪府大阪市北区1-1');
  });

  it('refuses a malformed e-mail or bank account number with 400 naming the field', async () => {
    const { customer, client } = await signedIn(server);
    const email = await client.put('/api/v1/settings/profile', { email: 'not-an-email', tradingPassword: customer.tradingPassword });
    expect(email.body).toMatchObject({ error: 'invalid_request', field: 'email' });
    const bank = await client.put('/api/v1/settings/profile', { bankAccount: { bankName: 'a', branchName: 'b', accountNumber: '12', holderName: 'c' }, tradingPassword: customer.tradingPassword });
    expect(bank.body).toMatchObject({ error: 'invalid_request', field: 'bankAccount.accountNumber' });
  });
});
