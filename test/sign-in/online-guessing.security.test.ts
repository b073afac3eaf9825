import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, latestCode, outbox, signedIn, signedInWithSms, signInWithPassword } from '../support/flows.js';

describe('attack: online guessing', () => {
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' } });


  it('new challenges and resends never reset the per-account count: wrong codes across challenges lock the factor', async () => {
    const { customer } = await signedInWithSms(server);
    const attacker = server.client();
    let lastStatus = 0;
    // 12 login challenges, 4 wrong codes each (never killing one): 48 guesses ...
    for (let round = 0; round < 13; round++) {
      const login = await signInWithPassword(attacker, customer);
      if (login.status !== 200) break;
      const id = login.body.challenge.id;
      await attacker.post(`/api/v1/challenges/${id}/sms`);
      for (let i = 0; i < 4; i++) {
        const response = await attacker.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: String(100000 + round * 10 + i) });
        lastStatus = response.status;
        if (response.status === 423) break;
      }
      server.clock.advance(61_000);
      if (lastStatus === 423) break;
    }
    // ... and by the 50th wrong code (10 challenges' worth) the factor is locked for everyone, the owner told.
    expect(lastStatus).toBe(423);
    const login = await signInWithPassword(server.client(), customer);
    const sent = await server.client().post(`/api/v1/challenges/${login.body.challenge.id}/sms`);
    expect(sent.status).toBe(423);
    expect(sent.body.error).toBe('factor_locked');
    expect((await outbox(server, customer.email)).some((m) => m.subject?.includes('二要素認証を停止しました'))).toBe(true);
    // An operator restores it after identity checks.
    await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/unlock`);
    server.clock.advance(3600_000); // past the hourly SMS cap the attack used up
    const again = await signInWithPassword(server.client(), customer);
    expect((await server.client().post(`/api/v1/challenges/${again.body.challenge.id}/sms`)).status).toBe(200);
  });

  it('10 dead challenges in 24 hours lock the second factor', async () => {
    const { customer } = await signedInWithSms(server);
    const attacker = server.client();
    for (let round = 0; round < 10; round++) {
      const login = await signInWithPassword(attacker, customer);
      const id = login.body.challenge.id;
      for (let i = 0; i < 5; i++) await attacker.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: '000000' });
    }
    const login = await signInWithPassword(attacker, customer);
    const response = await attacker.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code: '000000' });
    expect(response.status).toBe(423);
    expect(response.body.error).toBe('factor_locked');
  });

  it('the address throttle stops one address without locking anyone else out', async () => {
    const victim = await createCustomer(server);
    const attacker = server.client();
    const as = (ip: string) => ({ 'x-forwarded-for': ip });
    // The attacker spends 4 guesses on the victim and 16 on others: then its address is throttled.
    for (let i = 0; i < 4; i++) await attacker.post('/api/v1/login', { loginId: victim.loginId, password: `guess ${i} long enough` }, as('203.0.113.7'));
    for (let i = 0; i < 16; i++) await attacker.post('/api/v1/login', { loginId: `other${i}`, password: 'guess long enough' }, as('203.0.113.7'));
    for (let i = 0; i < 5; i++) {
      const throttled = await attacker.post('/api/v1/login', { loginId: victim.loginId, password: `more guesses ${i}` }, as('203.0.113.7'));
      expect(throttled.status).toBe(429);
    }
    // Throttled attempts did not count against the victim, who signs in from home.
    const home = await server.client().post('/api/v1/login', { loginId: victim.loginId, password: victim.password }, as('198.51.100.20'));
    expect(home.status).toBe(200);
    expect(home.body.status).toBe('signed_in');
  });

  it('trading password guesses lock trading after 5, whatever the operation', async () => {
    const { customer, client } = await signedIn(server);
    const attempts = [
      () => client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: 'guess-one-1' }),
      () => client.put('/api/v1/settings/phone', { phone: '090-1111-2222', tradingPassword: 'guess-two-2' }),
      () => client.put('/api/v1/settings/profile', { address: 'x', tradingPassword: 'guess-three-3' }),
      () => client.put('/api/v1/settings/trading-password', { currentPassword: 'guess-four-4', newPassword: 'whatever-new-1' }),
    ];
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempts[i % attempts.length]!()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    expect((await client.put('/api/v1/settings/profile', { address: 'x', tradingPassword: customer.tradingPassword })).status).toBe(423);
  });

  it('a resend after a code is guessed wrong does not give back attempts', async () => {
    const { customer } = await signedInWithSms(server);
    const attacker = server.client();
    const login = await signInWithPassword(attacker, customer);
    const id = login.body.challenge.id;
    await attacker.post(`/api/v1/challenges/${id}/sms`);
    for (let i = 0; i < 3; i++) await attacker.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: '000001' });
    server.clock.advance(61_000);
    await attacker.post(`/api/v1/challenges/${id}/sms`);
    const code = await latestCode(server, customer.phone!);
    const wrong = await attacker.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: code === '000002' ? '000003' : '000002' });
    expect(wrong.body.attemptsLeft).toBe(1);
  });

  it('an attacker who locks an account by guessing does not lock its owner out of a browser they signed in with before', async () => {
    const victim = await createCustomer(server);
    const home = server.client();
    expect((await signInWithPassword(home, victim)).status).toBe(200);
    expect(home.cookies.get('kabuto_device')).toBeDefined();
    await home.post('/api/v1/logout');

    const attacker = server.client();
    for (let i = 0; i < 5; i++) await attacker.post('/api/v1/login', { loginId: victim.loginId, password: `deliberate wrong ${i}` }, { 'x-forwarded-for': '203.0.113.9' });
    // Locked for anyone else, the right password included ...
    expect((await signInWithPassword(server.client(), victim)).status).toBe(401);
    expect((await signInWithPassword(attacker, victim)).status).toBe(401);
    // ... but the owner's own browser still gets in.
    const back = await signInWithPassword(home, victim);
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('signed_in');
  });

  it('a known device still guesses under the lock budget: five wrong passwords there lock it too', async () => {
    const { customer: victim, client: home } = await signedIn(server);
    for (let i = 0; i < 5; i++) await server.client().post('/api/v1/login', { loginId: victim.loginId, password: `deliberate wrong ${i}` });
    for (let i = 0; i < 5; i++) expect((await home.post('/api/v1/login', { loginId: victim.loginId, password: `home wrong ${i}x` })).status).toBe(401);
    // The device spent its own budget: now the lock holds it too, right password or not.
    expect((await signInWithPassword(home, victim)).status).toBe(401);
  });
});
