import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { latestCode, signedInWithSms, signInWithPassword } from '../support/flows.js';

describe('attack: abusing one-time codes', () => {
  const server = useTestServer();

  async function loginChallenge() {
    const { customer } = await signedInWithSms(server);
    const client = server.client();
    const login = await signInWithPassword(client, customer);
    const id: string = login.body.challenge.id;
    await client.post(`/api/v1/challenges/${id}/sms`);
    return { customer, client, id, code: await latestCode(server, customer.phone!) };
  }

  it('refuses the code of another customer', async () => {
    const alice = await loginChallenge();
    const bob = await loginChallenge();
    const response = await alice.client.post(`/api/v1/challenges/${alice.id}/verify`, { method: 'sms', code: bob.code === alice.code ? '000000' : bob.code });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_code');
  });

  it('refuses the code of another purpose (a step-up code at login)', async () => {
    const login = await loginChallenge();
    const { customer, client } = { customer: login.customer, client: server.client() };
    await signInWithPassword(client, customer).then((r) => client.post(`/api/v1/challenges/${r.body.challenge.id}/sms`));
    // Sign in properly, then ask for a settings step-up code and try it on the pending login challenge.
    const session = server.client();
    const l2 = await signInWithPassword(session, customer);
    server.clock.advance(61_000);
    await session.post(`/api/v1/challenges/${l2.body.challenge.id}/sms`);
    await session.post(`/api/v1/challenges/${l2.body.challenge.id}/verify`, { method: 'sms', code: await latestCode(server, customer.phone!) });
    server.clock.advance(61_000);
    const step = await session.put('/api/v1/settings/mfa', { method: 'none', scope: 'all', tradingPassword: customer.tradingPassword });
    await session.post(`/api/v1/challenges/${step.body.challenge.id}/sms`);
    const stepCode = await latestCode(server, customer.phone!);
    const response = await login.client.post(`/api/v1/challenges/${login.id}/verify`, { method: 'sms', code: stepCode });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_code');
  });

  it('refuses the code of a superseded send and of an expired challenge', async () => {
    const { client, id, code, customer } = await loginChallenge();
    server.clock.advance(61_000);
    await client.post(`/api/v1/challenges/${id}/sms`);
    const fresh = await latestCode(server, customer.phone!);
    if (fresh !== code) expect((await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code })).body.error).toBe('invalid_code');
    server.clock.advance(20 * 60_000);
    expect((await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: fresh })).body.error).toBe('challenge_expired');
  });

  it('refuses non-string codes explicitly (400 invalid_request) and counts malformed strings as wrong', async () => {
    const { client, id } = await loginChallenge();
    for (const code of [[1, 2, 3], { code: '123456' }, 123456, null, true]) {
      const response = await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code });
      expect(response.status, JSON.stringify(code)).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_request', field: 'code' });
    }
    const counted = [];
    for (const code of ['', '1234567']) counted.push((await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code })).body);
    expect(counted.map((b) => [b.error, b.attemptsLeft])).toEqual([
      ['invalid_code', 4],
      ['invalid_code', 3],
    ]);
  });

  it('normalises full-width digits rather than refusing them', async () => {
    const { client, id, code } = await loginChallenge();
    const fullWidth = [...code].map((d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).join('');
    expect((await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: fullWidth })).body.status).toBe('signed_in');
  });

  it('50 parallel verifications of one right code give exactly one success', async () => {
    const { id, code } = await loginChallenge();
    const responses = await Promise.all(Array.from({ length: 50 }, () => server.client().post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(49);
  });

  it('50 parallel wrong guesses cannot exceed the budget of 5', async () => {
    const { id, client, code } = await loginChallenge();
    const wrong = code === '000000' ? '000001' : '000000';
    const responses = await Promise.all(Array.from({ length: 50 }, () => server.client().post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: wrong })));
    expect(responses.filter((r) => r.body.error === 'invalid_code')).toHaveLength(4);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(46);
    expect((await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code })).status).toBe(429);
  });
});
