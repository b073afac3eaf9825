import { beforeEach, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, latestCode, outbox, e164, signedInWithSms, signInWithPassword, type TestCustomer } from '../support/flows.js';
import type { HttpClient } from '../support/http-client.js';

const MINUTE = 60_000;

describe('login challenges: send, verify, expire', () => {
  let customer: TestCustomer;
  let browser: HttpClient;
  let challengeId: string;

  const server = useTestServer();
  beforeEach(async () => {
    ({ customer } = await signedInWithSms(server));
    browser = server.client();
    const login = await signInWithPassword(browser, customer);
    challengeId = login.body.challenge.id;
  });

  const send = () => browser.post(`/api/v1/challenges/${challengeId}/sms`);
  const verify = (code: unknown) => browser.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code });

  it('sends a 6-digit code whose SMS names the firm and the purpose and warns against sharing it', async () => {
    const sent = await send();
    expect(sent.status).toBe(200);
    expect(sent.body.phoneLast4).toBe(customer.phone!.slice(-4));
    expect(Date.parse(sent.body.codeExpiresAt) - server.clock.now()).toBe(5 * MINUTE);
    expect(Date.parse(sent.body.resendAfter) - server.clock.now()).toBe(60_000);
    expect(sent.body.resendAfterSeconds).toBe(60);
    const [sms] = await outbox(server, e164(customer.phone!));
    expect(sms!.channel).toBe('sms');
    expect(sms!.body).toMatch(/^【Kabuto証券】ログインの確認コード: \d{6}\n/);
    expect(sms!.body).toContain('誰にも教えないでください');
  });

  it('refuses a resend within 60 seconds (429 resend_too_soon, retryAfter) and allows it after', async () => {
    await send();
    server.clock.advance(20_000);
    const early = await send();
    expect(early.status).toBe(429);
    expect(early.body).toMatchObject({ error: 'resend_too_soon', retryAfter: 40 });
    expect(early.headers.get('retry-after')).toBe('40');
    server.clock.advance(40_000);
    expect((await send()).status).toBe(200);
  });

  it('makes the previous code stop working when a new one is sent', async () => {
    await send();
    const first = await latestCode(server, customer.phone!);
    server.clock.advance(61_000);
    await send();
    const second = await latestCode(server, customer.phone!);
    if (first !== second) {
      const old = await verify(first);
      expect(old.status).toBe(400);
      expect(old.body.error).toBe('invalid_code');
    }
    expect((await verify(second)).body.status).toBe('signed_in');
  });

  it('caps sends at 5 per challenge (429 send_limit_reached)', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await send()).status).toBe(200);
      server.clock.advance(61_000);
    }
    const sixth = await send();
    expect(sixth.status).toBe(429);
    expect(sixth.body.error).toBe('send_limit_reached');
  });

  it('expires a code after 5 minutes (410 code_expired), and a fresh code still works', async () => {
    await send();
    const code = await latestCode(server, customer.phone!);
    server.clock.advance(5 * MINUTE);
    const expired = await verify(code);
    expect(expired.status).toBe(410);
    expect(expired.body.error).toBe('code_expired');
    await send();
    expect((await verify(await latestCode(server, customer.phone!))).status).toBe(200);
  });

  it('accepts a code just inside its 5 minutes', async () => {
    await send();
    const code = await latestCode(server, customer.phone!);
    server.clock.advance(5 * MINUTE - 1000);
    expect((await verify(code)).body.status).toBe('signed_in');
  });

  it('expires the whole challenge (410 challenge_expired)', async () => {
    server.clock.advance(16 * MINUTE);
    expect((await send()).body.error).toBe('challenge_expired');
    const response = await verify('123456');
    expect(response.status).toBe(410);
    expect(response.body.error).toBe('challenge_expired');
  });

  it('kills the challenge after 5 wrong codes: 400 invalid_code with attemptsLeft, then 429 even for the right code', async () => {
    await send();
    const code = await latestCode(server, customer.phone!);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) {
      const response = await verify(wrong);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_code', attemptsLeft: left });
    }
    const fifth = await verify(wrong);
    expect(fifth.status).toBe(429);
    expect(fifth.body.error).toBe('too_many_attempts');
    const right = await verify(code);
    expect(right.status).toBe(429);
    expect(right.body.error).toBe('too_many_attempts');
    expect((await browser.get('/api/v1/me')).status).toBe(401);
  });

  it('counts a missing code and a malformed code as wrong attempts; resending never resets the count', async () => {
    await send();
    expect((await browser.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms' })).body).toMatchObject({ error: 'invalid_code', attemptsLeft: 4 });
    expect((await verify('12ab56')).body.attemptsLeft).toBe(3);
    server.clock.advance(61_000);
    await send();
    expect((await verify('9999999')).body.attemptsLeft).toBe(2);
  });

  it('accepts full-width digits typed with a Japanese IME', async () => {
    await send();
    const code = await latestCode(server, customer.phone!);
    const fullWidth = code.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect((await verify(fullWidth)).body.status).toBe('signed_in');
  });

  it('refuses a code used twice (409 challenge_used)', async () => {
    await send();
    const code = await latestCode(server, customer.phone!);
    expect((await verify(code)).status).toBe(200);
    const again = await server.client().post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('challenge_used');
  });

  it('gives exactly one session for 20 parallel verifications of one right code', async () => {
    await send();
    const code = await latestCode(server, customer.phone!);
    const clients = Array.from({ length: 20 }, () => server.client());
    const responses = await Promise.all(clients.map((c) => c.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code })));
    const winners = responses.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.error === 'challenge_used')).toBe(true);
    expect(responses.filter((r) => r.status !== 200 && r.status !== 409)).toEqual([]);
    const signedIn = await Promise.all(clients.map((c) => c.get('/api/v1/me')));
    expect(signedIn.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('answers 404 challenge_not_found for an unknown id and 400 for a bad method', async () => {
    const missing = await browser.post('/api/v1/challenges/doesnotexist/verify', { method: 'sms', code: '123456' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('challenge_not_found');
    const badMethod = await browser.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'email', code: '123456' });
    expect(badMethod.status).toBe(400);
    expect(badMethod.body).toMatchObject({ error: 'invalid_request', field: 'method' });
  });
});

describe('sms_unavailable', () => {
  const server = useTestServer({ env: { KABUTO_MFA_REQUIRED: '1' } });

  it('answers 409 sms_unavailable when the customer has no mobile number', async () => {
    const customer = await createCustomer(server, { phone: '03-5555-1234' });
    const client = server.client();
    const login = await signInWithPassword(client, customer);
    expect(login.body.status).toBe('second_factor_required');
    const sent = await client.post(`/api/v1/challenges/${login.body.challenge.id}/sms`);
    expect(sent.status).toBe(409);
    expect(sent.body).toMatchObject({ error: 'sms_unavailable', reason: 'landline' });
    // A landline gets the code by voice call instead.
    expect(login.body.challenge.methods).toEqual([{ type: 'voice', phoneLast4: '1234' }]);
    const called = await client.post(`/api/v1/challenges/${login.body.challenge.id}/voice`);
    expect(called.status).toBe(200);
    const code = await latestCode(server, '03-5555-1234');
    const verified = await client.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'voice', code });
    expect(verified.body.status).toBe('signed_in');
  });

  it('answers 409 sms_unavailable with reason no_phone', async () => {
    const customer = await createCustomer(server, { phone: undefined });
    const client = server.client();
    const login = await signInWithPassword(client, customer);
    const sent = await client.post(`/api/v1/challenges/${login.body.challenge.id}/sms`);
    expect(sent.status).toBe(409);
    expect(sent.body).toMatchObject({ error: 'sms_unavailable', reason: 'no_phone' });
  });
});
