import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, latestCode, passChallengeBySms, signedInWithSms, signInWithPassword } from '../support/flows.js';
import { BANK, newAuthenticator, withStepUp } from '../factors/support/factor-flows.js';
import { useTestServer } from '../support/harness.js';
import type { HttpClient } from '../support/http-client.js';

// The portal's API types (web/src/api/schema.ts) are generated from the server's OpenAPI document by
// `npm run api-types`; `npm run lint` runs the same script with --check. Here: the check passes on the
// committed file and fails on a stale one, and the success answers the document describes (for the
// types) are the answers the server really gives: every field present, none undocumented.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'api-types.mjs');
const SCHEMA_FILE = join(ROOT, 'web', 'src', 'api', 'schema.ts');

async function check(file?: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [SCRIPT, '--check', ...(file ? ['--file', file] : [])], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the check that the portal API types are current', () => {
  it('passes on the committed web/src/api/schema.ts, fails on an altered copy and on a missing file, telling to run npm run api-types', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kabuto-api-types-'));
    try {
      const stale = join(dir, 'schema.ts');
      // A field the server no longer answers with: what a forgotten regeneration looks like.
      const committed = readFileSync(SCHEMA_FILE, 'utf8');
      expect(committed).toContain('passkeyOnly?:');
      writeFileSync(stale, committed.replace('passkeyOnly?:', 'passkeysOnly?:'));
      const [current, altered, missing] = await Promise.all([check(), check(stale), check(join(dir, 'absent.d.ts'))]);
      expect(current, current.output).toEqual({ code: 0, output: '' });
      expect(altered.code).toBe(1);
      expect(altered.output).toContain('is not current with the server\'s OpenAPI document: run `npm run api-types`');
      expect(missing.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

type Json = Record<string, unknown>;

/** Every object schema that lists its properties refuses others: an undocumented field fails too. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === 'properties' ? Object.fromEntries(Object.entries(value as Json).map(([name, s]) => [name, closed(s)])) : closed(value)]));
  if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy;
}

describe('the documented success answers are the real ones', () => {
  const server = useTestServer({}, { per: 'suite' });
  let document: { paths: Record<string, Record<string, { responses: Record<string, { content?: { 'application/json'?: { schema: unknown } } }> }>>; components: Json };
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

  /** The answer has a status the document lists for the operation, and the body its schema for that status. */
  function conforms(method: string, path: string, response: { status: number; body: unknown }): void {
    const operation = document.paths[path]?.[method];
    expect(operation, `${method.toUpperCase()} ${path} is documented`).toBeDefined();
    expect(response.status, `${method.toUpperCase()} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
    const documented = operation!.responses[String(response.status)];
    expect(documented, `${method.toUpperCase()} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`).toBeDefined();
    const schema = documented!.content?.['application/json']?.schema;
    if (response.status === 204) expect(schema).toBeUndefined();
    else {
      const validate = ajv.compile({ ...(closed(schema) as Json), components: closed(document.components) });
      expect(validate(response.body) ? [] : validate.errors, `${method.toUpperCase()} ${path}: ${JSON.stringify(response.body)}`).toEqual([]);
    }
  }

  beforeAll(async () => {
    document = (await server.client().get('/api/v1/openapi.json')).body;
  });

  it('a broken answer fails the same check (a missing field, an undocumented one)', () => {
    document.paths['/x'] = { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Instrument' } } } } } } };
    expect(() => conforms('get', '/x', { status: 200, body: { symbol: '7203', name: 'トヨタ自動車' } })).toThrow();
    expect(() => conforms('get', '/x', { status: 200, body: { symbol: '7203', name: 'トヨタ自動車', price: 1, extra: true } })).toThrow();
    expect(() => conforms('get', '/x', { status: 201, body: { symbol: '7203', name: 'トヨタ自動車', price: 1 } })).toThrow();
    conforms('get', '/x', { status: 200, body: { symbol: '7203', name: 'トヨタ自動車', price: 1 } });
    delete document.paths['/x'];
  });

  it('every answer the portal reads', async () => {
    const { customer, client } = await signedInWithSms(server, await createCustomer(server, { cash: 1_000_000, bankAccount: BANK }), 'all');
    const step = (send: (challengeId?: string) => Promise<{ status: number; body: any }>) => withStepUp(server, client, customer, send);
    const tp = { tradingPassword: customer.tradingPassword };
    const cid = (challengeId?: string) => (challengeId ? { challengeId } : {});

    // Sign-in: a challenge, a code, signed in; a second browser.
    const other: HttpClient = server.client();
    const login = await signInWithPassword(other, customer);
    conforms('post', '/api/v1/login', login);
    const challengeId = login.body.challenge.id as string;
    conforms('post', '/api/v1/challenges/{id}/sms', await other.post(`/api/v1/challenges/${challengeId}/sms`));
    conforms('post', '/api/v1/challenges/{id}/verify', await other.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code: await latestCode(server, customer.phone!) }));
    conforms('get', '/api/v1/me', await other.get('/api/v1/me'));
    conforms('post', '/api/v1/logout', await other.post('/api/v1/logout'));

    conforms('get', '/api/v1/settings/mfa', await client.get('/api/v1/settings/mfa'));
    conforms('put', '/api/v1/settings/mfa', await step((c) => client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', ...tp, ...cid(c) })));
    conforms('get', '/api/v1/settings/profile', await client.get('/api/v1/settings/profile'));
    conforms('put', '/api/v1/settings/profile', await step((c) => client.put('/api/v1/settings/profile', { address: '東京都中央区日本橋兜町1-1', ...tp, ...cid(c) })));
    conforms('get', '/api/v1/settings/totp', await client.get('/api/v1/settings/totp'));
    conforms('post', '/api/v1/settings/totp', await step((c) => client.post('/api/v1/settings/totp', { ...tp, ...cid(c) })));
    conforms('get', '/api/v1/settings/recovery-codes', await client.get('/api/v1/settings/recovery-codes'));
    conforms('post', '/api/v1/settings/recovery-codes', await step((c) => client.post('/api/v1/settings/recovery-codes', { ...tp, ...cid(c) })));
    const options = await step((c) => client.post('/api/v1/settings/passkeys/options', { ...tp, ...cid(c) }));
    conforms('post', '/api/v1/settings/passkeys/options', options);
    const created = await client.post('/api/v1/settings/passkeys', { name: 'iPhone', response: newAuthenticator(server).register(options.body) });
    conforms('post', '/api/v1/settings/passkeys', created);
    conforms('get', '/api/v1/settings/passkeys', await client.get('/api/v1/settings/passkeys'));
    conforms('delete', '/api/v1/settings/passkeys/{id}', await step((c) => client.request('DELETE', `/api/v1/settings/passkeys/${encodeURIComponent(created.body.id)}`, { ...tp, ...cid(c) })));

    conforms('get', '/api/v1/instruments', await client.get('/api/v1/instruments'));
    conforms('post', '/api/v1/orders', await client.post('/api/v1/orders', { symbol: '7203', side: 'buy', quantity: 10, ...tp, idempotencyKey: 'types-order' }));
    conforms('get', '/api/v1/account', await client.get('/api/v1/account'));
    conforms('post', '/api/v1/withdrawals', await step((c) => client.post('/api/v1/withdrawals', { amount: 10_000, ...tp, idempotencyKey: 'types-withdrawal', ...cid(c) })));
    for (const history of ['cash', 'orders', 'logins', 'logins/summary', 'security']) conforms('get', `/api/v1/history/${history}`, await client.get(`/api/v1/history/${history}`));

    const password = await step((c) => client.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword: `${customer.password} renewed`, ...cid(c) }));
    conforms('put', '/api/v1/settings/password', password);
    // A customer without 2FA (the first customer's SMS budget is spent): a code to the new number only.
    const plain = await createCustomer(server);
    const plainClient = server.client();
    conforms('post', '/api/v1/login', await signInWithPassword(plainClient, plain));
    const phone = '090-5555-0101';
    const changePhone = (c?: string) => plainClient.put('/api/v1/settings/phone', { phone, tradingPassword: plain.tradingPassword, ...cid(c) });
    const first = await changePhone();
    expect(first.body.error).toBe('step_up_required');
    expect((await passChallengeBySms(server, plainClient, first.body.challenge.id, phone)).status).toBe(200);
    conforms('put', '/api/v1/settings/phone', await changePhone(first.body.challenge.id));
  });
});
