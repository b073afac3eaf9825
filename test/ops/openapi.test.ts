import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';

// Every route the contract (shared/spec/api.md) names, as METHOD and OpenAPI path.
const CONTRACT_ROUTES = [
  'POST /api/v1/login',
  'POST /api/v1/login/passkey-options',
  'POST /api/v1/login/passkey',
  'POST /api/v1/logout',
  'GET /api/v1/me',
  'POST /api/v1/challenges/{id}/sms',
  'POST /api/v1/challenges/{id}/verify',
  'POST /api/v1/challenges/{id}/voice',
  'POST /api/v1/challenges/{id}/passkey-options',
  'GET /api/v1/settings/mfa',
  'PUT /api/v1/settings/mfa',
  'PUT /api/v1/settings/phone',
  'PUT /api/v1/settings/password',
  'PUT /api/v1/settings/trading-password',
  'PUT /api/v1/settings/profile',
  'GET /api/v1/account',
  'GET /api/v1/instruments',
  'POST /api/v1/orders',
  'POST /api/v1/withdrawals',
  'GET /api/v1/history/cash',
  'GET /api/v1/history/orders',
  'GET /api/v1/history/logins',
  'GET /api/v1/history/security',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /api/v1/openapi.json',
  'POST /api/admin/v1/customers',
  'POST /api/admin/v1/customers/{loginId}/unlock',
  'POST /api/admin/v1/customers/{loginId}/mfa/reset',
  'POST /api/admin/v1/customers/{loginId}/deposits',
  'GET /api/admin/v1/customers/{loginId}/audit',
  'GET /api/dev/outbox',
];
// The contract names these by prefix only ("enrolment under ..."): at least one operation each.
const CONTRACT_PREFIXES = ['/api/v1/settings/totp', '/api/v1/settings/passkeys', '/api/v1/settings/recovery-codes'];

let server: TestServer;
let document: any;
beforeAll(async () => {
  server = await startTestServer();
  const response = await server.client().get('/api/v1/openapi.json');
  expect(response.status).toBe(200);
  document = response.body;
});
afterAll(() => server.close());

const operations = () => Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('a broken document fails the same validator (the check can fail)', async () => {
    const broken = { ...document, paths: { '/x': { get: { responses: { 200: { content: 'not an object' } } } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it.each(CONTRACT_ROUTES)('documents %s', (route) => {
    expect(operations()).toContain(route);
  });

  it.each(CONTRACT_PREFIXES)('documents the enrolment routes under %s', (prefix) => {
    expect(Object.keys(document.paths).some((p) => p.startsWith(prefix))).toBe(true);
  });

  it('documents every route the server actually serves, with the schema it validates with', () => {
    const served = server.app.routeTable.filter((r) => r.method !== 'OPTIONS' && !r.url.startsWith('/docs')).map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(operations().sort()).toEqual(expect.arrayContaining(served.sort()));
    const login = document.paths['/api/v1/login'].post.requestBody.content['application/json'].schema;
    expect(login).toMatchObject({ additionalProperties: false, required: ['loginId', 'password'] });
    expect(document.paths['/api/admin/v1/customers'].post.security).toEqual([{ adminToken: [] }]);
  });

  it('serves a docs page that needs no inline script or style (the CSP forbids them)', async () => {
    const page = await server.client().get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).toContain('<code>/api/v1/login</code>');
    expect(page.text).not.toMatch(/<script|style=|<style/);
    const css = await server.client().get('/docs/docs.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('the contract still names every route this test lists (the list is not stale)', () => {
    const contract = readFileSync('../shared/spec/api.md', 'utf8');
    for (const route of CONTRACT_ROUTES) {
      const path = route.split(' ')[1]!.replace(/\/api\/admin\/v1\/customers\/\{loginId\}/, '').replace(/^\/api\/v1/, '');
      expect(contract, route).toContain(path.split('/').pop());
    }
  });
});
