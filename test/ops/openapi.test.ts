import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';

// The route list of docs/api.md (the API in prose, held by this repository), as METHOD and OpenAPI path.
function documentedRoutes(markdown: string): string[] {
  const list = markdown.split('<!-- routes:start -->')[1]?.split('<!-- routes:end -->')[0] ?? '';
  return [...list.matchAll(/^\| (GET|POST|PUT|PATCH|DELETE) \| (\S+) \|/gm)].map(([, method, path]) => `${method} ${path}`);
}
const DOCUMENTED_ROUTES = documentedRoutes(readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8'));

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

  it('docs/api.md has a route list (the parser finds it)', () => {
    expect(DOCUMENTED_ROUTES.length).toBeGreaterThan(40);
    expect(DOCUMENTED_ROUTES).toContain('POST /api/v1/login');
    expect(documentedRoutes('no list here')).toEqual([]);
  });

  it.each(DOCUMENTED_ROUTES)('serves and documents %s (named in docs/api.md)', (route) => {
    expect(operations()).toContain(route);
  });

  it('docs/api.md names every operation of the OpenAPI document (add new routes to its route list)', () => {
    expect(operations().filter((op) => !DOCUMENTED_ROUTES.includes(op))).toEqual([]);
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
});
