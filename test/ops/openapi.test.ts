import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { completeDocument, derivedOperationId } from '../../src/http/openapi.js';
import { useTestServer } from '../support/harness.js';

// The route list of docs/api.md (the API in prose, held by this repository), as METHOD and OpenAPI path.
function documentedRoutes(markdown: string): string[] {
  const list = markdown.split('<!-- routes:start -->')[1]?.split('<!-- routes:end -->')[0] ?? '';
  return [...list.matchAll(/^\| (GET|POST|PUT|PATCH|DELETE) \| (\S+) \|/gm)].map(([, method, path]) => `${method} ${path}`);
}
const DOCUMENTED_ROUTES = documentedRoutes(readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8'));

// Redocly CLI with its `recommended` ruleset: what generated clients need (summaries, operationIds,
// security, servers, 4xx answers, tags).
const REDOCLY = join(createRequire(import.meta.url).resolve('@redocly/cli/package.json'), '..', 'bin', 'cli.js');
async function redoclyLint(document: unknown): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kabuto-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const run = promisify(execFile)(process.execPath, [REDOCLY, 'lint', file, '--extends=recommended', '--format=stylish', '--max-problems=1000'], {
      cwd: dir,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      timeout: 60_000,
    });
    const { stdout, stderr } = await run;
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    if (typeof failed.code !== 'number') throw error;
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const server = useTestServer({}, { per: 'suite' });
let document: any;
beforeAll(async () => {
  const response = await server.client().get('/api/v1/openapi.json');
  expect(response.status).toBe(200);
  document = response.body;
});

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

  it("is clean under Redocly's recommended ruleset; the same lint fails a document without what clients need", async () => {
    const bare = structuredClone(document);
    delete bare.servers;
    for (const operations of Object.values(bare.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(operations)) {
        delete op.summary;
        delete op.operationId;
        delete op.security;
      }
    }
    const [served, broken] = await Promise.all([redoclyLint(document), redoclyLint(bare)]);
    expect(served.output).not.toMatch(/\b(error|warning)\b\s+[a-z0-9-]+/);
    expect(served.ok, served.output).toBe(true);
    expect(broken.ok).toBe(false);
    expect(broken.output).toMatch(/operation-summary/);
    expect(broken.output).toMatch(/security-defined/);
    expect(broken.output).toMatch(/no-empty-servers/);
  });

  it('every operation has a summary, a unique operationId, security and a 4xx answer', () => {
    const ops = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, o]) => Object.entries(o).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    for (const { route, op } of ops) {
      expect(op.summary, route).toBeTruthy();
      expect(op.security, route).toBeDefined();
      expect(Object.keys(op.responses).some((code) => code.startsWith('4')), route).toBe(true);
    }
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const byRoute = Object.fromEntries(ops.map(({ route, op }) => [route, op]));
    expect(byRoute['POST /api/v1/login']!.security).toEqual([]);
    expect(byRoute['GET /api/v1/account']!.security).toEqual([{ session: [] }]);
    expect(byRoute['GET /api/v1/account']!.responses['401']).toBeDefined();
    expect(byRoute['POST /api/admin/v1/customers']!.security).toEqual([{ adminToken: [] }]);
    expect(document.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'kabuto_session' });
  });

  it('a route added without a summary or operationId still gets both, its security and 4xx answers', () => {
    expect(derivedOperationId('post', '/api/v1/challenges/{id}/sms')).toBe('postChallengesByIdSms');
    expect(derivedOperationId('get', '/api/admin/v1/customers/{loginId}/audit')).toBe('getAdminCustomersByLoginIdAudit');
    const done = completeDocument({ paths: { '/api/v1/settings/new-thing': { put: { requestBody: {}, responses: { 200: { description: 'ok' } } } } } }) as any;
    expect(done.paths['/api/v1/settings/new-thing'].put).toMatchObject({
      summary: 'PUT /api/v1/settings/new-thing',
      operationId: 'putSettingsNewThing',
      security: [{ session: [] }],
      responses: { 400: {}, 401: {}, 403: {}, 415: {}, 200: { description: 'ok' } },
    });
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
