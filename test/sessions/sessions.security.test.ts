import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, latestCode, passChallengeBySms, signedIn, signedInWithSms, signInWithPassword } from '../support/flows.js';

describe('attack: session fixation, theft and replay', () => {
  const server = useTestServer();

  it('never promotes a cookie set before sign-in (fixation)', async () => {
    const customer = await createCustomer(server);
    const victim = server.client();
    const planted = 'attackerchosenid.attackerchosensecret';
    victim.cookies.set('kabuto_session', planted);
    await signInWithPassword(victim, customer);
    expect(victim.sessionCookie).not.toBe(planted);
    const attacker = server.client();
    attacker.cookies.set('kabuto_session', planted);
    expect((await attacker.get('/api/v1/me')).status).toBe(401);
  });

  it('rotates the token at each sign-in, ending the session the browser held', async () => {
    const { customer, client: browser } = await signedIn(server);
    const first = browser.sessionCookie!;
    await signInWithPassword(browser, customer);
    expect(browser.sessionCookie).not.toBe(first);
    const copy = server.client();
    copy.cookies.set('kabuto_session', first);
    expect((await copy.get('/api/v1/me')).status).toBe(401);
  });

  it('rotates the token at a two-factor sign-in and at each step-up', async () => {
    const { customer, client } = await signedInWithSms(server);
    const before = client.sessionCookie!;
    const step = await client.put('/api/v1/settings/profile', { address: '京都', tradingPassword: customer.tradingPassword });
    await passChallengeBySms(server, client, step.body.challenge.id, customer.phone!);
    expect(client.sessionCookie).not.toBe(before);
    const stolen = server.client();
    stolen.cookies.set('kabuto_session', before);
    expect((await stolen.get('/api/v1/me')).status).toBe(401);
    expect((await client.put('/api/v1/settings/profile', { address: '京都', tradingPassword: customer.tradingPassword, challengeId: step.body.challenge.id })).status).toBe(200);

    const browser = server.client();
    browser.cookies.set('kabuto_session', client.sessionCookie!);
    const login = await signInWithPassword(browser, customer);
    server.clock.advance(61_000);
    await browser.post(`/api/v1/challenges/${login.body.challenge.id}/sms`);
    const code = await latestCode(server, customer.phone!);
    await browser.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code });
    expect(browser.sessionCookie).not.toBe(client.sessionCookie);
  });

  it('a stored session id without its secret, or with another secret, is refused', async () => {
    const { client: browser } = await signedIn(server);
    const [id] = browser.sessionCookie!.split('.');
    for (const forged of [id!, `${id}.`, `${id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, `${id}.x.y`]) {
      const attacker = server.client();
      attacker.cookies.set('kabuto_session', forged);
      expect((await attacker.get('/api/v1/me')).status, forged).toBe(401);
    }
  });

  it('idle and absolute expiry hold under a moving clock', async () => {
    const { client: browser } = await signedIn(server);
    server.clock.advance(30 * 60_000);
    expect((await browser.get('/api/v1/me')).status).toBe(401);
  });

  it('a password change signs out everywhere else', async () => {
    const customer = await createCustomer(server);
    const [a, b, c] = [server.client(), server.client(), server.client()];
    for (const client of [a, b, c]) await signInWithPassword(client, customer);
    expect((await a.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword: 'a whole new passphrase here' })).status).toBe(200);
    expect((await a.get('/api/v1/me')).status).toBe(200);
    expect((await b.get('/api/v1/me')).status).toBe(401);
    expect((await c.get('/api/v1/me')).status).toBe(401);
  });
});
