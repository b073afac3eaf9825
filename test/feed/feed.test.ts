import { afterEach, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { FEED_ACTIONS } from '../../src/domain/feed/event-types.js';
import { loadConfig } from '../../src/config.js';
import { createKabuto } from '../../src/kabuto.js';
import { ADMIN_TOKEN, describeOn, postgresUrl, TEST_SECRET, type TestServer, useTestServer } from '../support/harness.js';
import { createCustomer, latestCode, passChallengeBySms, signedIn, signedInWithSms } from '../support/flows.js';
import { kabutoCli, useSharedServer } from '../ops/ops-support.js';
import { type Receiver, startReceiver, verifies } from './receiver.js';

// Issue 18.4, continued: the feed read by cursor (SIEM), secret rotation, what a payload holds, two
// instances on one database, the `kabuto webhooks` command.

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

async function register(server: TestServer, r: Receiver, events?: string[]) {
  const added = await server.admin().post('/api/admin/v1/webhooks', events ? { url: r.url, events } : { url: r.url });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  r.secrets.push(added.body.secret);
  return added.body as { endpoint: { id: string }; secret: string };
}

async function deliverAll(server: TestServer) {
  for (let i = 0; i < 100; i++) {
    await server.kabuto.feed.delivery.drain();
    if ((await server.kabuto.feed.store.counts()).pending === 0) return;
    server.clock.advance(2_000);
  }
  throw new Error('deliveries still pending');
}

const env = { KABUTO_WEBHOOK_RETRY_MS: '1000', KABUTO_WEBHOOK_POLL_MS: '60000', KABUTO_WEBHOOK_TIMEOUT_MS: '2000' };

describe('the feed read by cursor (GET /api/admin/v1/events)', () => {
  const server = useTestServer(() => ({ startAt: Date.now(), env }));

  it('pages through every event with no gap, while 50 sign-ins write at the same time', async () => {
    const customers = await Promise.all(Array.from({ length: 5 }, () => createCustomer(server)));
    const pages: string[][] = [];
    const seen: Array<{ id: string; cursor: string; type: string }> = [];
    let cursor = '0';
    const readPage = async () => {
      const page = await server.admin().get(`/api/admin/v1/events?after=${cursor}&limit=7`);
      expect(page.status).toBe(200);
      expect(page.body.events.length).toBeLessThanOrEqual(7);
      pages.push(page.body.events.map((e: { id: string }) => e.id));
      seen.push(...page.body.events);
      const moved = page.body.next !== cursor;
      cursor = page.body.next;
      return moved;
    };
    // A reader pages while 50 sign-ins (right and wrong passwords) commit.
    let writing = true;
    const reader = (async () => {
      while (writing) await readPage();
    })();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const customer = customers[i % customers.length]!;
        return server.client().post('/api/v1/login', { loginId: customer.loginId, password: i % 3 === 0 ? 'not the password' : customer.password });
      }),
    );
    const signIns = answers.filter((a) => a.status === 200).length;
    expect(signIns).toBeGreaterThan(0);
    writing = false;
    await reader;
    while (await readPage());

    // What the reader saw is exactly the feed's audit entries, in order, each once.
    const { rows } = await sql<{ seq: number }>`select seq from audit_log where action in (${sql.join([...FEED_ACTIONS])}) order by seq`.execute(server.kabuto.database.db);
    expect(seen.map((e) => Number(e.cursor))).toEqual(rows.map((r) => Number(r.seq)));
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen.filter((e) => e.type === 'customer.signed_in')).toHaveLength(signIns);
    // Read again in one go: the same events, the same ids.
    const whole = await server.admin().get('/api/admin/v1/events?limit=1000');
    expect(whole.body.events.map((e: { id: string }) => e.id)).toEqual(seen.map((e) => e.id));
    expect(pages.length).toBeGreaterThan(8);
  });

  it('a refused sign-in is an event whether the login ID exists or not; the ID typed is never in it', async () => {
    const customer = await createCustomer(server);
    expect((await server.client().post('/api/v1/login', { loginId: customer.loginId, password: 'not the password' })).status).toBe(401);
    expect((await server.client().post('/api/v1/login', { loginId: 'nobody-by-this-name', password: 'not the password' })).status).toBe(401);
    const { body } = await server.admin().get('/api/admin/v1/events?limit=1000');
    const failed = body.events.filter((e: { type: string }) => e.type === 'customer.sign_in_failed');
    expect(failed.map((e: { data: { customer: string | null; result: string } }) => [e.data.customer === null, e.data.result])).toEqual([
      [false, 'invalid_credentials'],
      [true, 'invalid_credentials'],
    ]);
    expect(JSON.stringify(body)).not.toContain('nobody-by-this-name');
    expect(JSON.stringify(body)).not.toContain(customer.loginId);
  });

  it('is for security operators only; a bad cursor is a 400', async () => {
    expect((await server.client().get('/api/admin/v1/events')).status).toBe(401);
    expect((await server.admin().get('/api/admin/v1/events?after=-1')).status).toBe(400);
    expect((await server.admin().get('/api/admin/v1/events?after=abc')).status).toBe(400);
    expect((await server.admin().get('/api/admin/v1/events?limit=99999')).status).toBe(400);
  });

  it('a payload holds no code, no full phone number, no login ID; contact changes are masked', async () => {
    const r = await receiver();
    await register(server, r);
    const { customer, client } = await signedInWithSms(server);
    const first = await client.put('/api/v1/settings/phone', { phone: '080-7777-8888', tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!);
    const second = await client.put('/api/v1/settings/phone', { phone: '080-7777-8888', tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(second.status, JSON.stringify(second.body)).toBe(403);
    await passChallengeBySms(server, client, second.body.challenge.id, '080-7777-8888');
    const code = await latestCode(server, '080-7777-8888');
    const done = await client.put('/api/v1/settings/phone', { phone: '080-7777-8888', tradingPassword: customer.tradingPassword, challengeId: second.body.challenge.id });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await deliverAll(server);

    const events = [...r.accepted.values()].map((d) => d.payload);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['customer.created', 'customer.signed_in', 'step_up.approved', 'factor.changed', 'contact.changed']));
    const phone = events.find((e) => e.type === 'contact.changed')!;
    expect(phone.data).toMatchObject({ contact: 'phone', to: '8888', type: 'mobile', actor: 'customer' });
    expect(events.filter((e) => e.type === 'step_up.approved').map((e) => e.data.purpose)).toEqual(expect.arrayContaining(['mfa_settings', 'phone_change', 'phone_verification']));
    const bodies = [...r.accepted.values()].map((d) => d.body).join('\n');
    for (const secret of [code, customer.loginId, customer.email, customer.password, customer.tradingPassword, '07777', '7777-8888', '+8180']) expect(bodies).not.toContain(secret);
    expect(r.duplicates).toEqual([]);
  });
});

describe('webhook endpoints', () => {
  const server = useTestServer(() => ({ startAt: Date.now(), env }));

  it('rotating the secret signs with both secrets for a day, then with the new one only', async () => {
    const r = await receiver();
    const { endpoint, secret: first } = await register(server, r);
    await createCustomer(server);
    await deliverAll(server);
    const before = [...r.accepted.values()];
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((d) => verifies(first, d))).toBe(true);

    const rotated = await server.admin().post(`/api/admin/v1/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const second: string = rotated.body.secret;
    expect(second).not.toBe(first);
    expect(rotated.body.endpoint.previousSecretUntil).toEqual(expect.any(String));
    // The receiver switches to the new secret alone: it verifies during the overlap.
    r.secrets.splice(0, r.secrets.length, second);
    await createCustomer(server);
    await deliverAll(server);
    const during = [...r.accepted.values()].slice(before.length);
    expect(during.length).toBeGreaterThan(0);
    for (const delivery of during) {
      expect(String(delivery.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verifies(second, delivery)).toBe(true);
      expect(verifies(first, delivery)).toBe(true);
    }

    // A day later the old secret no longer signs. (The receiver's clock is the sender's: the library
    // checks the timestamp against the time of day, and the injected clock has moved a day on.)
    server.clock.advance(24 * 3600_000 + 1_000);
    r.secrets.splice(0);
    await createCustomer(server);
    await deliverAll(server).catch(() => {});
    r.secrets.push(second);
    const after = r.requests.filter((q) => !r.accepted.has(q.id)).at(-1)!;
    vi.useFakeTimers({ toFake: ['Date'], now: server.clock.now() });
    try {
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
      expect(verifies(second, after)).toBe(true);
      expect(verifies(first, after)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
    // The database holds the secrets sealed, never in clear.
    const { rows } = await sql<{ secretSealed: string; previousSealed: string }>`select secret_sealed, previous_sealed from webhook_endpoints`.execute(server.kabuto.database.db);
    expect(JSON.stringify(rows)).not.toContain(first.slice(6, 30));
    expect(JSON.stringify(rows)).not.toContain(second.slice(6, 30));
    expect(rows[0]!.secretSealed).toMatch(/^v1\./);
  });

  it('is listed without its secret, disabled (queued, not sent), enabled again, deleted', async () => {
    const r = await receiver();
    const { endpoint, secret } = await register(server, r, ['customer.signed_in', 'customer.locked']);
    const list = await server.admin().get('/api/admin/v1/webhooks');
    expect(list.body.endpoints).toEqual([expect.objectContaining({ id: endpoint.id, url: r.url, events: ['customer.locked', 'customer.signed_in'], status: 'active' })]);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect((await server.admin().post(`/api/admin/v1/webhooks/${endpoint.id}/disable`)).body.status).toBe('disabled');
    await signedIn(server);
    await server.kabuto.feed.delivery.drain();
    expect(r.requests).toHaveLength(0);
    expect((await server.admin().post(`/api/admin/v1/webhooks/${endpoint.id}/enable`)).body.status).toBe('active');
    await deliverAll(server);
    expect([...r.accepted.values()].map((d) => d.payload.type)).toEqual(['customer.signed_in']);
    expect((await server.admin().request('DELETE', `/api/admin/v1/webhooks/${endpoint.id}`)).status).toBe(200);
    expect((await server.admin().get('/api/admin/v1/webhooks')).body.endpoints).toEqual([]);
    expect((await server.admin().post(`/api/admin/v1/webhooks/${endpoint.id}/rotate-secret`)).status).toBe(404);
    // Each change is audited, and is itself an event.
    const { body } = await server.admin().get('/api/admin/v1/events?limit=1000');
    expect(body.events.filter((e: { type: string }) => e.type === 'webhook.changed').map((e: { data: { change: string } }) => e.data.change)).toEqual(['added', 'disabled', 'enabled', 'deleted']);
  });

  it('refuses what is not a URL, an unknown event type, credentials in the URL', async () => {
    for (const [input, field] of [
      [{ url: 'not a url' }, 'url'],
      [{ url: 'ftp://example.com/hook' }, 'url'],
      [{ url: 'https://user:pass@example.com/hook' }, 'url'],
      [{ url: 'https://example.com/hook', events: ['customer.teleported'] }, 'events'],
    ] as const) {
      const response = await server.admin().post('/api/admin/v1/webhooks', input);
      expect(response.status, JSON.stringify(input)).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_request', field });
    }
  });
});

describe('https only in production', () => {
  it('refuses an http:// endpoint when plain http is not allowed, at registration and at sending', async () => {
    const { checkUrl } = await import('../../src/domain/feed/endpoints.js');
    const { createWebhookSender } = await import('../../src/adapters/webhook-sender.js');
    expect(checkUrl({ allowHttp: false }, 'http://example.com/hook')).toMatchObject({ failure: true, code: 'invalid_request', fields: { field: 'url', reason: 'must be https://' } });
    expect(checkUrl({ allowHttp: false }, 'https://example.com/hook')).toBeInstanceOf(URL);
    expect(checkUrl({ allowHttp: true }, 'http://example.com/hook')).toBeInstanceOf(URL);
    const r = await receiver();
    await expect(createWebhookSender({ timeoutMs: 1000, allowHttp: false }).post({ url: r.url, headers: {}, body: '{}' })).rejects.toThrow(/refused: http:/);
    expect(r.requests).toHaveLength(0);
  });
});

describeOn('postgres', 'two instances on one PostgreSQL database', () => {
  const server = useTestServer(() => ({ startAt: Date.now(), env }));

  it('never deliver one event to one endpoint twice, nor at the same time', async () => {
    const r = await receiver();
    const other = await receiver();
    await register(server, r);
    await register(server, other);
    // The receivers answer slowly: rounds of both instances overlap.
    r.delayMs = 15;
    other.delayMs = 15;
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(server.kabuto.database.db);
    const config = loadConfig({
      NODE_ENV: 'test',
      KABUTO_DATABASE_URL: postgresUrl,
      KABUTO_DATABASE_SCHEMA: rows[0]!.schema,
      KABUTO_SECRET: TEST_SECRET,
      KABUTO_ADMIN_TOKEN: ADMIN_TOKEN,
      KABUTO_DEV_OUTBOX: '1',
      KABUTO_WEB_ROOT: '/nonexistent-portal',
      ...env,
    });
    const second = await createKabuto(config, { clock: server.clock, logStream: process.stderr, places: server.kabuto.deps.places });
    try {
      await Promise.all(Array.from({ length: 6 }, () => signedIn(server)));
      const instances = [server.kabuto.feed.delivery, second.feed.delivery];
      // Both instances run rounds at once, again and again, until neither finds anything to do.
      for (let i = 0; i < 60; i++) {
        const work = await Promise.all(instances.flatMap((d) => [d.deliverDue(), d.deliverDue()]));
        if (work.every((n) => n === 0) && (await server.kabuto.feed.store.counts()).pending === 0) break;
      }
      const { body } = await server.admin().get('/api/admin/v1/events?limit=1000');
      for (const rec of [r, other]) {
        // Every customer event (the endpoints' own registrations aside: each starts at its own).
        const customerEvents = (list: Array<{ id: string; type: string }>) => list.filter((e) => e.type !== 'webhook.changed').map((e) => e.id).sort();
        expect(customerEvents([...rec.accepted.values()].map((d) => d.payload))).toEqual(customerEvents(body.events));
        expect(rec.duplicates).toEqual([]);
        expect(rec.concurrent).toEqual([]);
        expect(rec.requests.length).toBe(rec.accepted.size);
      }
    } finally {
      await second.close();
    }
  });
});

describe('kabuto webhooks (the command)', () => {
  const { server, cliEnv } = useSharedServer();

  it('adds an endpoint and prints its secret once; lists it without; rotates; deletes', async () => {
    const env = await cliEnv();
    const added = await kabutoCli(env, 'webhooks', 'add', 'https://siem.example.com/hooks', '--events', 'customer.locked,factor.changed');
    const secret = /secret: (whsec_\S+)/.exec(added.stdout)?.[1];
    const id = /id: (ep_\S+)/.exec(added.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(id).toBeDefined();
    const listed = await kabutoCli(env, 'webhooks', 'list');
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('customer.locked,factor.changed');
    expect(listed.stdout).not.toContain(secret!);
    const api = await server.admin().get('/api/admin/v1/webhooks');
    expect(api.body.endpoints[0]).toMatchObject({ id, url: 'https://siem.example.com/hooks', events: ['customer.locked', 'factor.changed'] });
    const rotated = await kabutoCli(env, 'webhooks', 'rotate', id!);
    expect(rotated.stdout).toMatch(/secret: whsec_/);
    expect(rotated.stdout).not.toContain(secret!);
    await kabutoCli(env, 'webhooks', 'delete', id!);
    expect((await server.admin().get('/api/admin/v1/webhooks')).body.endpoints).toEqual([]);
  }, 120_000);
});
