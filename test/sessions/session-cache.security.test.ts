import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, latestCode, signedIn, signInWithPassword } from '../support/flows.js';

// The session cache on one instance: a session read a moment ago (and so cached) is refused at the
// very next request once it is revoked here, whatever ended it.

describe('attack: a revoked session served from the cache', () => {
  const server = useTestServer();

  async function cachedCopies(count: number) {
    const customer = await createCustomer(server);
    const browsers = Array.from({ length: count }, () => server.client());
    for (const browser of browsers) await signInWithPassword(browser, customer);
    const thieves = browsers.map((browser) => {
      const thief = server.client();
      thief.cookies.set('kabuto_session', browser.sessionCookie!);
      return thief;
    });
    // Read twice on each cookie: the second answer comes from the cache.
    for (const client of [...browsers, ...thieves, ...browsers]) expect((await client.get('/api/v1/me')).status).toBe(200);
    return { customer, browsers, thieves };
  }

  it('a sign-out ends a cached session at once, for a copied cookie too', async () => {
    const { browsers, thieves } = await cachedCopies(1);
    expect((await browsers[0]!.post('/api/v1/logout', {})).status).toBe(204);
    expect((await thieves[0]!.get('/api/v1/me')).status).toBe(401);
  });

  it('a password change ends the other cached sessions at once', async () => {
    const { customer, browsers, thieves } = await cachedCopies(3);
    expect((await browsers[0]!.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword: 'a whole new passphrase here' })).status).toBe(200);
    // The changing session got a new token: its old cookie is refused too.
    for (const thief of thieves) expect((await thief.get('/api/v1/me')).status).toBe(401);
    expect((await browsers[0]!.get('/api/v1/me')).status).toBe(200);
  });

  it("an operator's 2FA reset (a transaction) ends every cached session at once", async () => {
    const { customer, thieves } = await cachedCopies(2);
    const admin = server.admin();
    expect((await admin.post(`/api/admin/v1/customers/${customer.loginId}/mfa/reset`, {})).status).toBe(200);
    for (const thief of thieves) expect((await thief.get('/api/v1/me')).status).toBe(401);
  });

  it('the idle limit holds for a cached session', async () => {
    const { client: browser } = await signedIn(server);
    expect((await browser.get('/api/v1/me')).status).toBe(200);
    server.clock.advance(30 * 60_000);
    expect((await browser.get('/api/v1/me')).status).toBe(401);
  });

  // The customer is cached beside the session: any write of the customer's row forgets it here.
  it('a change of the customer is seen by the very next read (profile, 2FA settings)', async () => {
    const { customer, client } = await signedIn(server);
    for (let i = 0; i < 2; i++) expect((await client.get('/api/v1/settings/profile')).body.address).not.toBe('大阪府大阪市北区');
    expect((await client.put('/api/v1/settings/profile', { address: '大阪府大阪市北区', tradingPassword: customer.tradingPassword })).status).toBe(200);
    expect((await client.get('/api/v1/settings/profile')).body.address).toBe('大阪府大阪市北区');
    expect((await client.get('/api/v1/settings/mfa')).body.method).toBe('none');
    const enabled = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword });
    expect(enabled.status).toBe(403);
    const challengeId = enabled.body.challenge.id as string;
    expect((await client.post(`/api/v1/challenges/${challengeId}/sms`)).status).toBe(200);
    expect((await client.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code: await latestCode(server, customer.phone!) })).status).toBe(200);
    expect((await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword, challengeId })).status).toBe(200);
    expect((await client.get('/api/v1/me')).body.mfa.method).toBe('sms');
  });

  it('a write of the row by the store itself (counters, locks) forgets the cached customer', async () => {
    const { customer, client } = await signedIn(server);
    const { store } = server.kabuto.deps;
    const record = (await store.customers.findByLoginId(customer.loginId))!;
    for (let i = 0; i < 2; i++) expect((await client.get('/api/v1/me')).status).toBe(200);
    expect((await store.customers.findForSession(record.id))!.tradingFailures).toBe(0);
    await store.customers.countTradingFailure(record.id);
    expect((await store.customers.findForSession(record.id))!.tradingFailures).toBe(1);
    await store.customers.lockTrading(record.id, 1, server.clock.now() + 60_000);
    expect((await store.customers.findForSession(record.id))!.tradingLockedUntil).toBe(server.clock.now() + 60_000);
    await store.customers.reserveLoginAttempt(record.id, 5, server.clock.now());
    expect((await store.customers.findForSession(record.id))!.failedLogins).toBe(1);
    await store.customers.update(record.id, { factorLocked: true, updatedAt: server.clock.now() });
    expect((await store.customers.findForSession(record.id))!.factorLocked).toBe(true);
  });
});
