import { describe, expect, it } from 'vitest';
import { useTestServer, withTestServer } from '../support/harness.js';
import { createCustomer, signedIn } from '../support/flows.js';

describe('bad input gets a clear 4xx with the contract’s error body, never a 500, and nothing written', () => {
  const server = useTestServer();

  const expectErrorBody = (body: Record<string, unknown>, error: string) => {
    expect(body.error).toBe(error);
    expect(typeof body.message).toBe('string');
  };

  it('refuses a body that is not JSON (400 invalid_request)', async () => {
    const response = await server.client().post('/api/v1/login', '{"loginId": "a", ', { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expectErrorBody(response.body, 'invalid_request');
  });

  it('refuses a JSON array or string where an object is expected', async () => {
    for (const payload of ['[]', '"login"', '42', 'null']) {
      const response = await server.client().post('/api/v1/login', payload, { 'content-type': 'application/json' });
      expect(response.status, payload).toBe(400);
      expectErrorBody(response.body, 'invalid_request');
    }
  });

  it('refuses other content types (415 unsupported_media_type), also for a form post', async () => {
    const form = await server.client().post('/api/v1/login', 'loginId=a&password=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expectErrorBody(form.body, 'unsupported_media_type');
    const none = await server.client().request('POST', '/api/v1/logout');
    expect(none.status).toBe(415);
  });

  it('refuses a cross-origin state change (403 csrf_rejected) and accepts its own origin', async () => {
    const customer = await createCustomer(server);
    const foreign = await server.client({ origin: 'https://evil.example' }).post('/api/v1/login', { loginId: customer.loginId, password: customer.password });
    expect(foreign.status).toBe(403);
    expectErrorBody(foreign.body, 'csrf_rejected');
    const own = await server.client({ origin: server.url }).post('/api/v1/login', { loginId: customer.loginId, password: customer.password });
    expect(own.status).toBe(200);
  });

  it('refuses over-long strings with 400, and a body over 64 KiB with 413', async () => {
    const long = await server.client().post('/api/v1/login', { loginId: 'a'.repeat(10_000), password: 'x' });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ error: 'invalid_request', field: 'loginId' });
    const huge = await server.client().post('/api/v1/login', { loginId: 'a'.repeat(1024 * 1024), password: 'x' });
    expect(huge.status).toBe(413);
    expectErrorBody(huge.body, 'payload_too_large');
  });

  it('refuses control characters in text fields and writes nothing', async () => {
    const admin = server.admin();
    const response = await admin.post('/api/admin/v1/customers', { loginId: 'ctrl-test', name: 'bad\u0000name', email: 'c@example.jp', password: 'a perfectly fine passphrase', tradingPassword: 'trading-secret-1' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request', field: 'name' });
    expect(await server.kabuto.deps.store.customers.findByLoginId('ctrl-test')).toBeUndefined();
  });

  it('refuses wrong types in settings without changing anything', async () => {
    const { customer, client } = await signedIn(server);
    const response = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: ['all'], tradingPassword: customer.tradingPassword });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('scope');
    const unknownMethod = await client.put('/api/v1/settings/mfa', { method: 'carrier-pigeon', scope: 'all', tradingPassword: customer.tradingPassword });
    expect(unknownMethod.status).toBe(400);
    expect((await client.get('/api/v1/settings/mfa')).body.method).toBe('none');
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const response = await server.client().get('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expectErrorBody(response.body, 'not_found');
  });

  it('marks API answers no-store and sets the security headers', async () => {
    const response = await server.client().get('/api/v1/me');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    // A JSON answer's policy loads and frames nothing (OWASP REST: the page headers are for documents).
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toBeNull();
    // A page keeps the full set: its script and style policy, COOP.
    const page = await server.client().get('/docs');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('HSTS behind https', () => {
  it('is sent when the public origin is https, with Secure cookies', async () => {
    await withTestServer({ env: { KABUTO_PUBLIC_ORIGIN: 'https://kabuto.example.jp' } }, async (server) => {
      const customer = await createCustomer(server);
      const response = await server.client({ origin: 'https://kabuto.example.jp' }).post('/api/v1/login', { loginId: customer.loginId, password: customer.password });
      expect(response.status).toBe(200);
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.getSetCookie()[0]).toMatch(/Secure/);
      const foreign = await server.client({ origin: server.url }).post('/api/v1/login', { loginId: customer.loginId, password: customer.password });
      expect(foreign.status).toBe(403);
    });
  });
});
