import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, enableSms, outbox, signedIn, signInWithPassword } from '../support/flows.js';

describe('POST /api/v1/login', () => {
  const server = useTestServer();

  it('signs in with the password alone while 2FA is off, with an HttpOnly SameSite session cookie', async () => {
    const customer = await createCustomer(server);
    const client = server.client();
    const response = await signInWithPassword(client, customer);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'signed_in', customer: { loginId: customer.loginId, name: 'テスト 顧客', email: customer.email } });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('kabuto_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http in tests: Secure only over https
    expect((await client.get('/api/v1/me')).body.loginId).toBe(customer.loginId);
  });

  it('asks for the second factor once SMS is on, without opening a session', async () => {
    const { customer, client: setup } = await signedIn(server);
    await enableSms(server, setup, customer, 'login');
    const client = server.client();
    const response = await signInWithPassword(client, customer);
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('second_factor_required');
    expect(response.body.challenge).toMatchObject({ purpose: 'login', summary: 'ログイン', methods: [{ type: 'sms', phoneLast4: customer.phone!.slice(-4) }] });
    expect(Date.parse(response.body.challenge.expiresAt)).toBeGreaterThan(server.clock.now());
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await client.get('/api/v1/me')).status).toBe(401);
  });

  it('answers an unknown ID, a wrong password and a locked account identically', async () => {
    const customer = await createCustomer(server);
    const client = server.client();
    const unknown = await client.post('/api/v1/login', { loginId: 'nobody-here', password: 'whatever password 123' });
    const wrong = await client.post('/api/v1/login', { loginId: customer.loginId, password: 'wrong password 12345' });
    for (let i = 0; i < 4; i++) await client.post('/api/v1/login', { loginId: customer.loginId, password: 'wrong password 12345' });
    const lockedRight = await signInWithPassword(client, customer);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    for (const response of [unknown, wrong, lockedRight]) {
      expect(response.status).toBe(401);
      expect(strip(response.body)).toEqual(strip(unknown.body));
      expect(response.body.error).toBe('invalid_credentials');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('locks after 5 wrong passwords for 15 minutes, e-mails the owner, and a right password then resets the count', async () => {
    const customer = await createCustomer(server);
    const client = server.client();
    for (let i = 0; i < 5; i++) expect((await client.post('/api/v1/login', { loginId: customer.loginId, password: `wrong password ${i}xx` })).status).toBe(401);
    expect((await signInWithPassword(client, customer)).status).toBe(401);
    const mails = await outbox(server, customer.email);
    expect(mails[0]).toMatchObject({ channel: 'email' });
    expect(mails[0]!.subject).toContain('ログインを一時的に停止しました');

    server.clock.advance(15 * 60_000 + 1000);
    expect((await signInWithPassword(client, customer)).status).toBe(200);
    // The count restarted: four wrong passwords do not lock again.
    for (let i = 0; i < 4; i++) await client.post('/api/v1/login', { loginId: customer.loginId, password: `wrong password ${i}xx` });
    expect((await signInWithPassword(client, customer)).status).toBe(200);
  });

  it('doubles the lock with each lock in a row', async () => {
    const customer = await createCustomer(server);
    const client = server.client();
    const lockOnce = async () => {
      for (let i = 0; i < 5; i++) await client.post('/api/v1/login', { loginId: customer.loginId, password: `wrong password ${i}xx` });
    };
    await lockOnce();
    server.clock.advance(15 * 60_000 + 1000);
    await lockOnce();
    server.clock.advance(15 * 60_000 + 1000);
    expect((await signInWithPassword(client, customer)).status).toBe(401); // second lock lasts 30 minutes
    server.clock.advance(15 * 60_000);
    expect((await signInWithPassword(client, customer)).status).toBe(200);
  });

  it('throttles an address after 20 failed sign-ins in 10 minutes with 429 and Retry-After', async () => {
    const client = server.client();
    for (let i = 0; i < 20; i++) expect((await client.post('/api/v1/login', { loginId: `ghost${i}`, password: 'not a real password' })).status).toBe(401);
    const throttled = await client.post('/api/v1/login', { loginId: 'ghost-x', password: 'not a real password' });
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ error: 'too_many_attempts' });
    expect(throttled.body.retryAfter).toBeGreaterThan(0);
    expect(throttled.headers.get('retry-after')).toBe(String(throttled.body.retryAfter));
    server.clock.advance(10 * 60_000 + 1000);
    expect((await client.post('/api/v1/login', { loginId: 'ghost-y', password: 'not a real password' })).status).toBe(401);
  });

  it('rejects missing fields, wrong types and unknown fields with 400 invalid_request naming the field', async () => {
    const client = server.client();
    const missing = await client.post('/api/v1/login', { loginId: 'a' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid_request', field: 'password' });
    const typed = await client.post('/api/v1/login', { loginId: 12, password: 'x' });
    expect(typed.status).toBe(400);
    expect(typed.body.field).toBe('loginId');
    const extra = await client.post('/api/v1/login', { loginId: 'a', password: 'b', admin: true });
    expect(extra.status).toBe(400);
    expect(extra.body).toMatchObject({ error: 'invalid_request', field: 'admin' });
    expect(typeof extra.body.message).toBe('string');
  });

  it('answers in English when the client prefers it', async () => {
    const response = await server.client().post('/api/v1/login', { loginId: 'nobody', password: 'x' }, { 'accept-language': 'en-US,en;q=0.9,ja;q=0.5' });
    expect(response.body.message).toBe('The login ID or password is incorrect.');
    const japanese = await server.client().post('/api/v1/login', { loginId: 'nobody', password: 'x' }, { 'accept-language': 'ja,en;q=0.5' });
    expect(japanese.body.message).toBe('ログインIDまたはパスワードが正しくありません。');
  });

  it('records sign-ins in the login history with address, user agent and result', async () => {
    const customer = await createCustomer(server);
    const client = server.client({ userAgent: 'Mozilla/5.0 test-browser' });
    await client.post('/api/v1/login', { loginId: customer.loginId, password: 'wrong password 1234' });
    await signInWithPassword(client, customer);
    const history = await client.get('/api/v1/history/logins');
    expect(history.status).toBe(200);
    expect(history.body.map((e: { result: string }) => e.result)).toEqual(['signed_in', 'invalid_credentials']);
    expect(history.body[0]).toMatchObject({ address: '127.0.0.1', userAgent: 'Mozilla/5.0 test-browser' });
  });
});

describe('POST /api/v1/logout and GET /api/v1/me', () => {
  const server = useTestServer();

  it('ends the session: 204, the cookie cleared, the old token refused', async () => {
    const { client } = await signedIn(server);
    const token = client.sessionCookie!;
    const out = await client.post('/api/v1/logout');
    expect(out.status).toBe(204);
    expect(client.sessionCookie).toBeUndefined();
    const replay = server.client();
    replay.cookies.set('kabuto_session', token);
    const me = await replay.get('/api/v1/me');
    expect(me.status).toBe(401);
    expect(me.body.error).toBe('unauthenticated');
  });

  it('answers 401 unauthenticated without a session or with a forged token', async () => {
    expect((await server.client().get('/api/v1/me')).body.error).toBe('unauthenticated');
    const forged = server.client();
    forged.cookies.set('kabuto_session', 'abc.def');
    expect((await forged.get('/api/v1/me')).status).toBe(401);
  });

  it('expires a session after 30 idle minutes and after 12 hours in any case', async () => {
    const { customer, client } = await signedIn(server);
    server.clock.advance(29 * 60_000);
    expect((await client.get('/api/v1/me')).status).toBe(200);
    server.clock.advance(29 * 60_000);
    expect((await client.get('/api/v1/me')).status).toBe(200);
    server.clock.advance(30 * 60_000 + 1);
    expect((await client.get('/api/v1/me')).status).toBe(401);

    await signInWithPassword(client, customer);
    for (let elapsed = 0; elapsed < 12 * 60; elapsed += 25) {
      server.clock.advance(25 * 60_000);
      if (elapsed + 25 >= 12 * 60) break;
      expect((await client.get('/api/v1/me')).status).toBe(200);
    }
    expect((await client.get('/api/v1/me')).status).toBe(401);
  });

  it('logout without a session is still 204', async () => {
    expect((await server.client().post('/api/v1/logout')).status).toBe(204);
  });
});
