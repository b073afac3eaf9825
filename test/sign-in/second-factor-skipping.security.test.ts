import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, enableSms, signedInWithSms, signInWithPassword } from '../support/flows.js';

/** A concrete path for a route pattern: parameters filled with plausible values. */
function concretePath(url: string, challengeId: string, loginId: string): string {
  return url.replace(':id', challengeId).replace(':loginId', loginId);
}

describe('attack: skipping the second factor with a phished password', () => {
  const server = useTestServer();

  it('the half-signed-in state of a login challenge opens no customer endpoint', async () => {
    const { customer } = await signedInWithSms(server);
    const attacker = server.client();
    const login = await signInWithPassword(attacker, customer);
    expect(login.body.status).toBe('second_factor_required');
    // Public by design: signing in itself, the challenge endpoints (bearer: the challenge id), sign-out,
    // the API description and market prices; and the signed-out customer's own defences (issue 16: the
    // notice freeze code, lifting a sign-in freeze with a passkey, recovery). Everything else belongs to a
    // signed-in customer.
    const PUBLIC = new Set([
      '/api/v1/logout',
      '/api/v1/openapi.json',
      '/api/v1/instruments',
      '/api/v1/protection/freeze-code',
      '/api/v1/protection/unfreeze-sign-in/options',
      '/api/v1/protection/unfreeze-sign-in',
    ]);
    const customerRoutes = server.app.routeTable.filter(
      (r) => r.url.startsWith('/api/v1/') && !r.url.startsWith('/api/v1/login') && !r.url.startsWith('/api/v1/challenges/') && !r.url.startsWith('/api/v1/recovery/') && !PUBLIC.has(r.url),
    );
    expect(customerRoutes.length).toBeGreaterThan(8);
    for (const route of customerRoutes) {
      const response = await attacker.request(route.method, concretePath(route.url, login.body.challenge.id, customer.loginId), route.method === 'GET' ? undefined : {});
      expect(response.status, `${route.method} ${route.url}`).toBe(401);
      expect(response.body.error).toBe('unauthenticated');
    }
  });

  it('claiming success in the response body changes nothing: only a verified code opens a session', async () => {
    const { customer } = await signedInWithSms(server);
    const attacker = server.client();
    const login = await signInWithPassword(attacker, customer);
    // What an attacker would "edit" in a response is only ever client state; the server asks again.
    attacker.cookies.set('kabuto_session', `${login.body.challenge.id}.signed_in`);
    expect((await attacker.get('/api/v1/me')).status).toBe(401);
    const forged = await attacker.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code: '' });
    expect(forged.status).toBe(400);
    expect((await attacker.get('/api/v1/me')).status).toBe(401);
  });

  it('a session opened before 2FA was turned on ends when it is turned on', async () => {
    const customer = await createCustomer(server);
    const thief = server.client();
    await signInWithPassword(thief, customer); // the phished password, before the customer protected the account
    const owner = server.client();
    await signInWithPassword(owner, customer);
    await enableSms(server, owner, customer, 'all');
    expect((await thief.get('/api/v1/me')).status).toBe(401);
    expect((await owner.get('/api/v1/me')).status).toBe(200);
  });
});
