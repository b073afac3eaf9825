import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/harness.js';
import { useTestServer } from '../support/harness.js';
import { createCustomer, e164, outbox, signedIn, signInWithPassword, type TestCustomer } from '../support/flows.js';
import { rememberSecret } from '../support/known-secrets.js';
import { BANK, newAuthenticator, registerPasskey, withStepUp } from '../factors/support/factor-flows.js';
import type { HttpClient } from '../support/http-client.js';
import { latestFreezeCode, withdrawal } from '../protection/support.js';

// Issue 16.5: recovery never weakens the account. A new password takes what sign-in would take: the
// passkey where sign-in needs one, else the registered mobile's code plus a recovery code or the trading
// password; never an e-mail alone, never a code alone. Unknown and known IDs get the same answers.

const NEW_PASSWORD = 'a brand new passphrase 2026';
rememberSecret(NEW_PASSWORD);

/** The recovery code texted to the phone: the send is not awaited by the request, so it is waited for here. */
async function recoveryCode(server: TestServer, phone: string, seen = 0): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const messages = (await outbox(server, e164(phone))).filter((m) => m.body.includes('パスワード再設定の確認コード'));
    if (messages.length > seen) {
      const code = messages[0]!.body.match(/確認コード: ([0-9]{6})/)![1]!;
      rememberSecret(code);
      return code;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no recovery code arrived');
}

async function start(client: HttpClient, loginId: string) {
  const started = await client.post('/api/v1/recovery/password', { loginId });
  expect(started.status).toBe(200);
  return started.body.recoveryId as string;
}

async function withCode(server: TestServer, customer: TestCustomer) {
  const client = server.client();
  const id = await start(client, customer.loginId);
  expect((await client.post(`/api/v1/recovery/password/${id}/sms`)).status).toBe(200);
  return { client, id, code: await recoveryCode(server, customer.phone!) };
}

const refused = (response: { status: number; body: any }) => {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(response.body.error).toBe('recovery_refused');
};

describe('forgot password', () => {
  const server = useTestServer();

  it('the phone’s code plus the trading password: every session ends, contacts told, withdrawals held', async () => {
    const { customer, client: oldSession } = await signedIn(server, { cash: 100_000, bankAccount: BANK });
    const { client, id, code } = await withCode(server, customer);
    const done = await client.post(`/api/v1/recovery/password/${id}/complete`, { newPassword: NEW_PASSWORD, smsCode: code, tradingPassword: customer.tradingPassword });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toEqual({ status: 'recovered' });
    expect((await oldSession.get('/api/v1/me')).status).toBe(401);
    expect((await signInWithPassword(server.client(), customer)).status).toBe(401);
    const fresh = server.client();
    expect((await fresh.post('/api/v1/login', { loginId: customer.loginId, password: NEW_PASSWORD })).status).toBe(200);
    expect((await withdrawal(fresh, customer)).body.status).toBe('pending');
    const mails = await outbox(server, customer.email);
    expect(mails.some((m) => m.subject?.includes('ログインパスワードを再設定しました'))).toBe(true);
    const texts = await outbox(server, e164(customer.phone!));
    expect(texts.some((m) => m.body.includes('ログインパスワードが再設定'))).toBe(true);
    // Used once.
    refused(await client.post(`/api/v1/recovery/password/${id}/complete`, { newPassword: `${NEW_PASSWORD}!`, smsCode: code, tradingPassword: customer.tradingPassword }));
  });

  it('the phone’s code plus a recovery code', async () => {
    const { customer, client: session } = await signedIn(server);
    const generated = await withStepUp(server, session, customer, (challengeId) => session.post('/api/v1/settings/recovery-codes', { tradingPassword: customer.tradingPassword, ...(challengeId ? { challengeId } : {}) }));
    const [recoveryCodeOne] = generated.body.codes as string[];
    rememberSecret(recoveryCodeOne);
    const { client, id, code } = await withCode(server, customer);
    const done = await client.post(`/api/v1/recovery/password/${id}/complete`, { newPassword: NEW_PASSWORD, smsCode: code, recoveryCode: recoveryCodeOne });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
  });

  it('refuses every path short of the policy: nothing but an e-mail, a code alone, a second secret alone, a wrong code', async () => {
    const customer = await createCustomer(server);
    await signInWithPassword(server.client(), customer);
    const { client, id, code } = await withCode(server, customer);
    const complete = (proof: Record<string, unknown>) => client.post(`/api/v1/recovery/password/${id}/complete`, { newPassword: NEW_PASSWORD, ...proof });
    // What an e-mail gives: the notice's freeze code (it only ever stops an account).
    const freezeCode = await latestFreezeCode(server, customer.email);
    refused(await complete({}));
    refused(await complete({ smsCode: freezeCode }));
    refused(await complete({ recoveryCode: freezeCode }));
    refused(await complete({ smsCode: code }));
    refused(await complete({ tradingPassword: customer.tradingPassword }));
    // Five attempts: the recovery is dead, even for the right answer.
    refused(await complete({ smsCode: code, tradingPassword: customer.tradingPassword }));
    expect((await signInWithPassword(server.client(), customer)).status).toBe(200);
  });

  it('a wrong code with the right trading password is refused', async () => {
    const customer = await createCustomer(server);
    const { client, id, code } = await withCode(server, customer);
    const wrong = code === '000000' ? '111111' : '000000';
    refused(await client.post(`/api/v1/recovery/password/${id}/complete`, { newPassword: NEW_PASSWORD, smsCode: wrong, tradingPassword: customer.tradingPassword }));
    expect((await client.post(`/api/v1/recovery/password/${id}/complete`, { newPassword: NEW_PASSWORD, smsCode: code, tradingPassword: customer.tradingPassword })).status).toBe(200);
  });

  it('answers an unknown login ID exactly as a known one, at every step', async () => {
    const customer = await createCustomer(server);
    const shape = (response: { status: number; body: any }) => ({ status: response.status, keys: Object.keys(response.body ?? {}).sort(), error: response.body?.error });
    const [known, unknown] = [server.client(), server.client()];
    const knownStart = await known.post('/api/v1/recovery/password', { loginId: customer.loginId });
    const unknownStart = await unknown.post('/api/v1/recovery/password', { loginId: 'no-such-customer-42' });
    expect(shape(unknownStart)).toEqual(shape(knownStart));
    expect(unknownStart.body.recoveryId).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const [knownSms, unknownSms] = [
      await known.post(`/api/v1/recovery/password/${knownStart.body.recoveryId}/sms`),
      await unknown.post(`/api/v1/recovery/password/${unknownStart.body.recoveryId}/sms`),
    ];
    expect(unknownSms.body).toEqual(knownSms.body);
    const [knownOptions, unknownOptions] = [
      await known.post(`/api/v1/recovery/password/${knownStart.body.recoveryId}/passkey-options`),
      await unknown.post(`/api/v1/recovery/password/${unknownStart.body.recoveryId}/passkey-options`),
    ];
    expect(Object.keys(unknownOptions.body).sort()).toEqual(Object.keys(knownOptions.body).sort());
    expect(unknownOptions.body.allowCredentials ?? []).toEqual(knownOptions.body.allowCredentials ?? []);
    const proof = { newPassword: NEW_PASSWORD, smsCode: '123456', tradingPassword: customer.tradingPassword };
    const [knownDone, unknownDone] = [
      await known.post(`/api/v1/recovery/password/${knownStart.body.recoveryId}/complete`, proof),
      await unknown.post(`/api/v1/recovery/password/${unknownStart.body.recoveryId}/complete`, proof),
    ];
    expect(shape(unknownDone)).toEqual(shape(knownDone));
    expect(unknownDone.body.message).toBe(knownDone.body.message);
  });

  it('does the same hashing on both paths (no timing tells)', async () => {
    const customer = await createCustomer(server);
    const calls: string[] = [];
    const hasher = server.kabuto.deps.hasher;
    const spy = { hash: hasher.hash.bind(hasher), verify: hasher.verify.bind(hasher), verifyDummy: hasher.verifyDummy.bind(hasher) };
    Object.assign(hasher, {
      hash: (p: string) => (calls.push('hash'), spy.hash(p)),
      verify: (h: string, p: string) => (calls.push('verify'), spy.verify(h, p)),
      verifyDummy: (p: string) => (calls.push('verify'), spy.verifyDummy(p)),
    });
    try {
      const run = async (loginId: string) => {
        calls.length = 0;
        const client = server.client();
        const id = await start(client, loginId);
        await client.post(`/api/v1/recovery/password/${id}/complete`, { newPassword: NEW_PASSWORD, smsCode: '123456', tradingPassword: 'a trading guess' });
        return [...calls];
      };
      expect(await run('no-such-customer-77')).toEqual(await run(customer.loginId));
    } finally {
      Object.assign(hasher, spy);
    }
  });
});

describe('forgot password where sign-in takes a passkey (KABUTO_PHISHING_RESISTANT=login)', () => {
  const server = useTestServer({ env: { KABUTO_PHISHING_RESISTANT: 'login' } });

  it('refuses the phone’s code with the trading password, and takes the passkey', async () => {
    const customer = await createCustomer(server);
    const session = server.client();
    expect((await signInWithPassword(session, customer)).status).toBe(200);
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, session, customer, authenticator);
    const { client, id, code } = await withCode(server, customer);
    refused(await client.post(`/api/v1/recovery/password/${id}/complete`, { newPassword: NEW_PASSWORD, smsCode: code, tradingPassword: customer.tradingPassword }));
    // Another customer's passkey recovers nothing.
    const other = await createCustomer(server);
    const otherSession = server.client();
    await signInWithPassword(otherSession, other);
    const otherKey = newAuthenticator(server);
    await registerPasskey(server, otherSession, other, otherKey);
    const foreign = await client.post(`/api/v1/recovery/password/${id}/passkey-options`);
    refused(await client.post(`/api/v1/recovery/password/${id}/complete`, { newPassword: NEW_PASSWORD, passkey: otherKey.assert(foreign.body) }));

    const options = await client.post(`/api/v1/recovery/password/${id}/passkey-options`);
    const done = await client.post(`/api/v1/recovery/password/${id}/complete`, { newPassword: NEW_PASSWORD, passkey: authenticator.assert(options.body) });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await session.get('/api/v1/me')).status).toBe(401);
  });
});

describe('forgot login ID', () => {
  const server = useTestServer();

  it('sends the ID to the registered address only, and answers the same for an unknown address', async () => {
    const customer = await createCustomer(server);
    const known = await server.client().post('/api/v1/recovery/login-id', { email: customer.email.toUpperCase() });
    const unknown = await server.client().post('/api/v1/recovery/login-id', { email: 'nobody@example.jp' });
    expect(known.status).toBe(200);
    expect(unknown.body).toEqual(known.body);
    const mails = (await outbox(server, customer.email)).filter((m) => m.subject?.includes('ログインIDのお知らせ'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body).toContain(customer.loginId);
    expect(await outbox(server, 'nobody@example.jp')).toHaveLength(0);
    expect((await server.client().post('/api/v1/recovery/login-id', { email: 'not an address' })).status).toBe(400);
  });
});
