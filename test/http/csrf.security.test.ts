import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import type { HttpClient } from '../support/http-client.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('attack: cross-site request forgery on every state-changing route', () => {
  let victim: HttpClient;
  const server = useTestServer({}, { per: 'suite' });
  beforeAll(async () => {
    const customer = await createCustomer(server);
    victim = server.client();
    await signInWithPassword(victim, customer);
  });

  const routes = () => server.app.routeTable.filter((r) => STATE_CHANGING.has(r.method) && r.url.startsWith('/api/v1/'));
  const path = (url: string) => url.replace(/:[A-Za-z]+/g, 'x');

  it('covers the routes', () => {
    expect(routes().length).toBeGreaterThanOrEqual(10);
  });

  it('refuses a foreign Origin with 403 csrf_rejected', async () => {
    for (const route of routes()) {
      const response = await victim.request(route.method, path(route.url), {}, { origin: 'https://phishing.example' });
      expect(response.status, `${route.method} ${route.url}`).toBe(403);
      expect(response.body.error).toBe('csrf_rejected');
    }
  });

  it('decides by the matched route, not the raw URL: percent-escaped paths are refused too (issue 11.10)', async () => {
    for (const raw of ['/%61pi/v1/settings/profile', '/api/%761/settings/profile', '/%2561pi/v1/settings/profile']) {
      const response = await victim.request('PUT', raw, { name: 'CSRF' }, { origin: 'https://phishing.example' });
      expect(response.status, raw).not.toBe(200);
      if (response.status !== 404) expect(response.body.error, raw).toBe('csrf_rejected');
    }
    const forged = await victim.request('PUT', '/%61pi/v1/settings/profile', { name: 'CSRF' }, { origin: 'https://phishing.example' });
    expect(forged.status).toBe(403);
    const read = await victim.get('/%61pi/v1/me');
    expect(read.status).toBe(200);
    expect(read.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses form and text content types with 415, as a cross-site form would send', async () => {
    for (const route of routes()) {
      for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
        const response = await victim.request(route.method, path(route.url), 'a=b', { 'content-type': type });
        expect(response.status, `${route.method} ${route.url} ${type}`).toBe(415);
        expect(response.body.error).toBe('unsupported_media_type');
      }
    }
  });

  it('refuses a missing content type with 415', async () => {
    for (const route of routes()) {
      const response = await victim.request(route.method, path(route.url));
      expect(response.status, `${route.method} ${route.url}`).toBe(415);
    }
  });

  it('the session cookie is SameSite and HttpOnly', async () => {
    const customer = await createCustomer(server);
    const response = await signInWithPassword(server.client(), customer);
    const cookie = response.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=(Lax|Strict)/);
  });
});
