import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import type { HttpClient } from '../support/http-client.js';

describe('attack: fuzzing every route of the OpenAPI document', () => {
  let signedIn: HttpClient;
  const server = useTestServer({}, { per: 'suite' });
  beforeAll(async () => {
    const customer = await createCustomer(server, { cash: 100_000 } as never);
    signedIn = server.client();
    await signInWithPassword(signedIn, customer);
  });

  const segment = fc.oneof(fc.constant('x'), fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.constant('%00'), fc.constant('..'));
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.dictionary(fc.constantFrom('loginId', 'password', 'code', 'method', 'scope', 'amount', 'phone', 'challengeId', 'tradingPassword', 'email', 'symbol', 'quantity', 'side', 'idempotencyKey'), fc.jsonValue({ maxDepth: 2 })).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
  );
  const query = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 })).map((q) => new URLSearchParams(q).toString());
  const headers = fc.record({
    'accept-language': fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded'),
    'user-agent': fc.string({ maxLength: 100 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  });

  it('no generated request gets a 500 or crashes the server', async () => {
    // Every operation of the published OpenAPI document (the admin API included), as path templates.
    const document = (await server.client().get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), url: path.replace(/\{([A-Za-z]+)\}/g, ':$1') })),
    );
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.some((r) => r.url.startsWith('/api/admin/'))).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), segment, body, query, headers, fc.constantFrom('anonymous', 'customer', 'admin'), async (route, param, payload, q, extra, who) => {
        const path = route.url.replace(/:[A-Za-z]+/g, param) + (q ? `?${q}` : '');
        const client = who === 'customer' ? signedIn : who === 'admin' ? server.admin() : server.client();
        const response = await client.request(route.method, path, route.method === 'GET' ? undefined : payload, { ...extra, 'content-type': extra['content-type'] });
        expect(response.status, `${route.method} ${path}`).toBeLessThan(500);
        if (response.status >= 400) expect(typeof response.body?.error, `${route.method} ${path}: ${response.text.slice(0, 200)}`).toBe('string');
      }),
      { numRuns: 400 },
    );
    expect((await server.client().get('/healthz')).status).toBe(200);
  });
});
