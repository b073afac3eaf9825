import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, useTestServer, withTestServer } from '../support/harness.js';
import { createCustomer, outbox, signedInWithSms, signInWithPassword } from '../support/flows.js';
import { HttpClient } from '../support/http-client.js';

describe('admin API', () => {
  const server = useTestServer();

  it('answers 401 without a token or with a wrong one', async () => {
    const body = { name: 'x', email: 'x@example.jp', password: 'a perfectly fine passphrase', tradingPassword: 'trading-secret-1' };
    expect((await server.client().post('/api/admin/v1/customers', body)).status).toBe(401);
    const wrong = new HttpClient(server.url, { authorization: `Bearer ${ADMIN_TOKEN}x` });
    expect((await wrong.post('/api/admin/v1/customers', body)).status).toBe(401);
    const basic = new HttpClient(server.url, { authorization: `Basic ${ADMIN_TOKEN}` });
    expect((await basic.post('/api/admin/v1/customers', body)).status).toBe(401);
  });

  it('creates a customer (201 with a generated login ID when none is given) and refuses a taken ID (409)', async () => {
    const created = await server.admin().post('/api/admin/v1/customers', { name: '新規 顧客', email: 'new@example.jp', password: 'a perfectly fine passphrase', tradingPassword: 'trading-secret-1', phone: '090-5555-6666' });
    expect(created.status).toBe(201);
    expect(created.body.loginId).toMatch(/^k\d{8}$/);
    const again = await server.admin().post('/api/admin/v1/customers', { loginId: created.body.loginId, name: 'x', email: 'x@example.jp', password: 'another fine passphrase', tradingPassword: 'trading-secret-2' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('login_id_taken');
    // The firm's records are trusted: no code is sent at account opening.
    expect(await outbox(server, '+819055556666')).toEqual([]);
  });

  it('unlocks a locked login', async () => {
    const customer = await createCustomer(server);
    for (let i = 0; i < 5; i++) await server.client().post('/api/v1/login', { loginId: customer.loginId, password: `wrong password ${i}xx` });
    expect((await signInWithPassword(server.client(), customer)).status).toBe(401);
    expect((await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/unlock`)).status).toBe(200);
    expect((await signInWithPassword(server.client(), customer)).status).toBe(200);
  });

  it('resets MFA for a lost phone: sessions end, the customer is told, and login needs only the password', async () => {
    const { customer, client } = await signedInWithSms(server);
    expect((await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/mfa/reset`)).status).toBe(200);
    expect((await client.get('/api/v1/me')).status).toBe(401);
    expect((await outbox(server, customer.email))[0]!.subject).toContain('二要素認証をリセットしました');
    expect((await signInWithPassword(server.client(), customer)).body.status).toBe('signed_in');
  });

  it('reads the customer’s audit trail, chained by hash', async () => {
    const { customer } = await signedInWithSms(server);
    const trail = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`);
    expect(trail.status).toBe(200);
    expect(trail.body.map((e: { action: string }) => e.action)).toEqual(['mfa_changed', 'step_up_approved', 'signed_in', 'customer_created']);
    expect(trail.body[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await server.admin().get('/api/admin/v1/customers/nobody/audit')).status).toBe(404);
  });
});

describe('operations endpoints', () => {
  it('serves /healthz and /readyz', async () => {
    await withTestServer({}, async (server) => {
      expect((await server.client().get('/healthz')).body).toEqual({ status: 'ok' });
      expect((await server.client().get('/readyz')).body).toEqual({ status: 'ready' });
    });
  });

  it('without KABUTO_ADMIN_TOKEN the admin API takes operators and service tokens only (401 for the old token), and hides the outbox without KABUTO_DEV_OUTBOX (404)', async () => {
    await withTestServer({ env: { KABUTO_ADMIN_TOKEN: '', KABUTO_DEV_OUTBOX: '0' } }, async (server) => {
      const admin = await server.admin().post('/api/admin/v1/customers', {});
      expect(admin.status).toBe(401);
      expect((await server.client().get('/api/dev/outbox')).status).toBe(404);
    });
  });

  it('refuses to start in production without KABUTO_SECRET or KABUTO_PUBLIC_ORIGIN, naming the variable, and never enables the outbox there', async () => {
    const { loadConfig } = await import('../../src/config.js');
    // Production needs real senders too (issue 11.9).
    const origin = { KABUTO_PUBLIC_ORIGIN: 'https://kabuto.example.jp', KABUTO_SMTP_URL: 'smtps://u:p@mail.example.jp:465', KABUTO_SMS_ACCOUNT_SID: 'AC1', KABUTO_SMS_AUTH_TOKEN: 't', KABUTO_SMS_FROM: '+815012345678' };
    expect(() => loadConfig({ NODE_ENV: 'production', KABUTO_DATABASE_URL: ':memory:', ...origin })).toThrow(/KABUTO_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', KABUTO_SECRET: 'b'.repeat(64) })).toThrow(/KABUTO_PUBLIC_ORIGIN is required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', KABUTO_SECRET: 'b'.repeat(64), KABUTO_DEV_OUTBOX: '1', ...origin })).toThrow(/KABUTO_DEV_OUTBOX/);
    const production = loadConfig({ NODE_ENV: 'production', KABUTO_SECRET: 'b'.repeat(64), ...origin });
    expect(production.devOutbox).toBe(false);
    expect(production.seedDemo).toBe(false);
  });
});
