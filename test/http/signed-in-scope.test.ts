import { describe, expect, it, vi } from 'vitest';
import { dialect, useTestServer, type TestServer } from '../support/harness.js';
import { createCustomer, latestCode, signInWithPassword } from '../support/flows.js';

// Issue 12.2: the session and the customer are resolved once, by the signed-in scope's hook
// (src/http/routes/index.ts, src/http/session.ts), for every customer route; nowhere else.

const server = useTestServer({}, { per: 'suite' });

/** Every /api/v1/ route as served, and whether the OpenAPI document says it needs a session. */
async function servedRoutes(): Promise<Array<{ method: string; url: string; path: string; sessionOnly: boolean }>> {
  const document = (await server.client().get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown }>> };
  return server.app.routeTable
    .filter((r) => r.url.startsWith('/api/v1/'))
    .map((r) => {
      const openApiPath = r.url.replace(/:(\w+)/g, '{$1}');
      const security = document.paths[openApiPath]?.[r.method.toLowerCase()]?.security;
      return { ...r, path: r.url.replace(/:\w+/g, 'x'), sessionOnly: JSON.stringify(security) === JSON.stringify([{ session: [] }]) };
    });
}

const call = (client: ReturnType<TestServer['client']>, method: string, path: string) => client.request(method, path, method === 'GET' ? undefined : {});

describe(`the signed-in scope (${dialect})`, () => {
  it('every route the API documents as needing a session answers 401 without one, and no other route does', async () => {
    const routes = await servedRoutes();
    expect(routes.filter((r) => r.sessionOnly).length).toBeGreaterThan(20);
    for (const route of routes) {
      const response = await call(server.client(), route.method, route.path);
      const refused = response.status === 401 && response.body?.error === 'unauthenticated';
      expect(refused, `${route.method} ${route.url} answered ${response.status} ${JSON.stringify(response.body)}`).toBe(route.sessionOnly);
    }
  });

  it('a customer route refuses a stale cookie with 401 and clears it, before looking at the body', async () => {
    for (const route of (await servedRoutes()).filter((r) => r.sessionOnly)) {
      const client = server.client();
      client.cookies.set('kabuto_session', 'gone.session');
      const response = await client.request(route.method, route.path, route.method === 'GET' ? undefined : { unknownField: true });
      expect(response.status, `${route.method} ${route.url}`).toBe(401);
      expect(response.body.error).toBe('unauthenticated');
      expect(client.sessionCookie, `${route.method} ${route.url} clears the cookie`).toBeUndefined();
    }
  });

  it('resolves the session and the customer once per request', async () => {
    const customer = await createCustomer(server, { cash: 10_000 });
    const client = server.client();
    expect((await signInWithPassword(client, customer)).status).toBe(200);
    const sessions = vi.spyOn(server.kabuto.deps.store.sessions, 'findById');
    const customers = vi.spyOn(server.kabuto.deps.store.customers, 'findById');
    const cachedCustomers = vi.spyOn(server.kabuto.deps.store.customers, 'findForSession');
    try {
      // A read takes the customer through the session cache; a write reads the row itself.
      for (const path of ['/api/v1/me', '/api/v1/account', '/api/v1/settings/mfa', '/api/v1/history/security']) {
        sessions.mockClear();
        customers.mockClear();
        cachedCustomers.mockClear();
        expect((await client.get(path)).status, path).toBe(200);
        expect(sessions, path).toHaveBeenCalledTimes(1);
        expect(cachedCustomers, path).toHaveBeenCalledTimes(1);
        expect(customers, path).toHaveBeenCalledTimes(0);
      }
      sessions.mockClear();
      cachedCustomers.mockClear();
      expect((await client.put('/api/v1/settings/profile', { address: '東京都港区', tradingPassword: customer.tradingPassword })).status).toBe(200);
      expect(sessions).toHaveBeenCalledTimes(1);
      expect(cachedCustomers).toHaveBeenCalledTimes(0);
      // A route anyone may call reads the session it needs once too: a sign-in over a live session ends it.
      sessions.mockClear();
      expect((await signInWithPassword(client, customer)).status).toBe(200);
      expect(sessions).toHaveBeenCalledTimes(1);
    } finally {
      sessions.mockRestore();
      customers.mockRestore();
      cachedCustomers.mockRestore();
    }
  });

  it('a verified login challenge reads the session the browser held once: for the requester and for ending it', async () => {
    const customer = await createCustomer(server);
    const client = server.client();
    expect((await signInWithPassword(client, customer)).status).toBe(200);
    const enabled = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword });
    const challengeId = enabled.body.challenge.id as string;
    expect((await client.post(`/api/v1/challenges/${challengeId}/sms`)).status).toBe(200);
    const code = await latestCode(server, customer.phone!);
    expect((await client.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code })).status).toBe(200);
    expect((await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword, challengeId })).status).toBe(200);

    const held = client.sessionCookie;
    const login = await signInWithPassword(client, customer);
    expect(login.body.status).toBe('second_factor_required');
    const id = login.body.challenge.id as string;
    expect((await client.post(`/api/v1/challenges/${id}/sms`)).status).toBe(200);
    const loginCode = await latestCode(server, customer.phone!);
    const sessions = vi.spyOn(server.kabuto.deps.store.sessions, 'findById');
    try {
      const verified = await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: loginCode });
      expect(verified.status, JSON.stringify(verified.body)).toBe(200);
      expect(verified.body.status).toBe('signed_in');
      expect(sessions).toHaveBeenCalledTimes(1);
    } finally {
      sessions.mockRestore();
    }
    // The session held before is ended, the new one works.
    expect(client.sessionCookie).not.toBe(held);
    const old = server.client();
    old.cookies.set('kabuto_session', held!);
    expect((await old.get('/api/v1/me')).status).toBe(401);
    expect((await client.get('/api/v1/me')).status).toBe(200);
  });
});
