import { afterEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { sql } from 'kysely';
import { type TestServer, useTestServer } from '../support/harness.js';
import { signedIn, type TestCustomer } from '../support/flows.js';
import type { HttpClient } from '../support/http-client.js';
import { type Receiver, startReceiver } from './receiver.js';
import { DEFAULT_FEED_POLICY } from '../../src/domain/feed/delivery.js';
import { recordAudit } from '../../src/domain/kernel/audit.js';

// Issue 18.4: the signed event feed. Security events reach registered webhooks signed with the Standard
// Webhooks scheme, from a durable queue, with back-off while the receiver is down, each once (by its id);
// the same feed is read by cursor from the admin API. The receivers are real HTTP servers; time is the
// injected clock (started at the real time: the library checks a signature's timestamp against it).

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
  expect(added.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  r.secrets.push(added.body.secret);
  return added.body as { endpoint: { id: string }; secret: string };
}

async function counts(server: TestServer) {
  return server.kabuto.feed.store.counts();
}

/** Rounds on the injected clock until nothing is pending (bounded): what the timer does in production. */
async function deliverAll(server: TestServer, stepMs = 5_000) {
  for (let i = 0; i < 200; i++) {
    await server.kabuto.feed.delivery.drain();
    if ((await counts(server)).pending === 0) return i;
    server.clock.advance(stepMs);
  }
  throw new Error('deliveries still pending');
}

/** Every event of the feed from the admin API, paged by cursor. */
async function readFeed(server: TestServer, limit = 1000, after = '0') {
  const events: Array<{ id: string; cursor: string; type: string; data: Record<string, unknown> }> = [];
  let cursor = after;
  for (;;) {
    const page = await server.admin().get(`/api/admin/v1/events?after=${cursor}&limit=${limit}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    events.push(...page.body.events);
    if (page.body.next === cursor) return { events, cursor };
    cursor = page.body.next;
  }
}

/** A customer's security events: a sign-in, wrong passwords up to the lock, a sign-out. */
async function securityStory(server: TestServer): Promise<{ customer: TestCustomer; client: HttpClient }> {
  const { customer, client } = await signedIn(server);
  await client.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword: 'a brand new passphrase 42' });
  customer.password = 'a brand new passphrase 42';
  const stranger = server.client();
  for (let i = 0; i < 5; i++) expect((await stranger.post('/api/v1/login', { loginId: customer.loginId, password: `wrong guess ${i}` })).status).toBe(401);
  expect((await client.post('/api/v1/logout')).status).toBe(204);
  return { customer, client };
}

describe('the event feed delivered to webhooks', () => {
  const server = useTestServer(() => ({
    startAt: Date.now(),
    env: { KABUTO_WEBHOOK_RETRY_MS: '1000', KABUTO_WEBHOOK_POLL_MS: '60000', KABUTO_WEBHOOK_TIMEOUT_MS: '1000'},
  }));

  it('holds the events while the receiver refuses connections, then delivers each once, signed', async () => {
    const r = await receiver();
    await register(server, r);
    await r.down();
    const { customer } = await securityStory(server);
    await server.kabuto.feed.delivery.drain();
    const outage = server.clock.now();
    while (server.clock.now() - outage < 30_000) {
      server.clock.advance(2_000);
      await server.kabuto.feed.delivery.drain();
    }
    const during = await counts(server);
    const attempts = await sql<{ n: number }>`select sum(attempts) as n from webhook_deliveries`.execute(server.kabuto.database.db);
    expect(during.delivered).toBe(0);
    expect(during.pending).toBeGreaterThanOrEqual(10);
    expect(Number(attempts.rows[0]!.n)).toBeGreaterThan(1);

    await r.up();
    await deliverAll(server);
    const { events } = await readFeed(server);
    const types = events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['webhook.changed', 'customer.created', 'customer.signed_in', 'password.changed', 'customer.sign_in_failed', 'customer.locked', 'session.ended']),
    );
    // Every event of the feed reached the receiver, once, verified; nothing else did.
    expect([...r.accepted.keys()].sort()).toEqual(events.map((e) => e.id).sort());
    expect(r.duplicates).toEqual([]);
    expect([...r.accepted.values()].every((d) => d.verified)).toBe(true);
    // The same event reads the same from the admin API and the webhook.
    for (const event of events) expect(r.accepted.get(event.id)!.payload).toMatchObject({ id: event.id, cursor: event.cursor, type: event.type, data: event.data });
    const locked = events.find((e) => e.type === 'customer.locked')!;
    expect(locked.data).toMatchObject({ lock: 'login', actor: 'system', until: expect.any(String) });
    // Personal data minimal: an opaque customer id, never the login ID or a password.
    const all = [...r.accepted.values()].map((d) => d.body).join('\n');
    expect(all).not.toContain(customer.loginId);
    expect(all).not.toContain(customer.password);
    expect(all).not.toContain('wrong guess');
    expect(await counts(server)).toMatchObject({ pending: 0, dead: 0, delivered: events.length });
  });

  it('retries an endpoint that answers 500 with back-off, then delivers; a redirect is not followed', async () => {
    const r = await receiver();
    await register(server, r, ['customer.signed_in']);
    r.mode = 'fail';
    await signedIn(server);
    await server.kabuto.feed.delivery.drain();
    server.clock.advance(1_500);
    await server.kabuto.feed.delivery.drain();
    r.mode = 'redirect';
    server.clock.advance(5_000);
    await server.kabuto.feed.delivery.drain();
    const failed = await server.admin().get(`/api/admin/v1/webhooks/${(await server.admin().get('/api/admin/v1/webhooks')).body.endpoints[0].id}/deliveries`);
    expect(failed.body.deliveries[0]).toMatchObject({ type: 'customer.signed_in', status: 'pending', lastError: expect.stringContaining('redirects are not followed') });
    expect(r.requests.length).toBeGreaterThanOrEqual(3);
    expect(r.requests.every((q) => !q.body.includes('/moved') && q.headers['webhook-id'] === r.requests[0]!.id)).toBe(true);
    r.mode = 'ok';
    await deliverAll(server);
    expect(r.accepted.size).toBe(1);
    expect([...r.accepted.values()][0]!.payload.type).toBe('customer.signed_in');
    // Only the types asked for: the customer's creation was not sent to this endpoint.
    expect(r.requests.every((q) => q.payload.type === 'customer.signed_in')).toBe(true);
  });

  it('delivers a busy feed in rounds one after another, not one batch per tick of the timer', async () => {
    const r = await receiver();
    await register(server, r);
    const { customer } = await signedIn(server);
    const customerId = (await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.id;
    // More events than two rounds' batches: sessions ended, as a busy hour's sign-outs would be.
    for (let i = 0; i < 2 * DEFAULT_FEED_POLICY.batch + 5; i++) await recordAudit(server.kabuto.deps, customerId, 'signed_out', { reason: 'sign_out' });
    const { events } = await readFeed(server);
    expect(events.length).toBeGreaterThan(2 * DEFAULT_FEED_POLICY.batch);
    // One tick of the timer (the clock stands still).
    await server.kabuto.feed.delivery.deliverDue();
    expect([...r.accepted.keys()].sort()).toEqual(events.map((e) => e.id).sort());
    expect(r.duplicates).toEqual([]);
  });
});

describe('a dead endpoint', () => {
  const server = useTestServer(() => ({
    startAt: Date.now(),
    env: { KABUTO_WEBHOOK_RETRY_MS: '1000', KABUTO_WEBHOOK_POLL_MS: '60000', KABUTO_WEBHOOK_TIMEOUT_MS: '5000', KABUTO_WEBHOOK_MAX_ATTEMPTS: '3' },
  }));

  it('holds up no other, is dead-lettered after its attempts, and is retried by hand', async () => {
    const dead = await receiver();
    const alive = await receiver();
    const deadEndpoint = await register(server, dead);
    await register(server, alive);
    dead.mode = 'hang';
    const { customer } = await signedIn(server);
    // One round: the hanging endpoint waits for its time-out (5 s) while the other is served in full.
    let roundOver = false;
    const round = server.kabuto.feed.delivery.deliverDue().finally(() => (roundOver = true));
    await vi.waitFor(() => expect(dead.requests.length).toBe(1), { timeout: 4_000, interval: 10 });
    await vi.waitFor(() => expect(alive.accepted.size).toBeGreaterThanOrEqual(3), { timeout: 4_000, interval: 10 });
    expect(roundOver).toBe(false);
    expect(dead.requests.length).toBe(1);
    // The receiver drops the hanging connection: the attempt fails at once (no need to wait for the time-out).
    await dead.down();
    await round;
    await dead.up();
    expect((await server.admin().get(`/api/admin/v1/webhooks/${deadEndpoint.endpoint.id}/deliveries?status=pending`)).body.deliveries.length).toBeGreaterThanOrEqual(3);

    dead.mode = 'fail';
    for (let i = 0; i < 40 && (await counts(server)).pending > 0; i++) {
      server.clock.advance(30_000);
      await server.kabuto.feed.delivery.drain();
    }
    const deadLetters = await server.admin().get(`/api/admin/v1/webhooks/${deadEndpoint.endpoint.id}/deliveries?status=dead`);
    expect(deadLetters.body.deliveries.length).toBeGreaterThanOrEqual(3);
    expect(deadLetters.body.deliveries.every((d: { attempts: number }) => d.attempts === 3)).toBe(true);
    expect(server.logs.some((l) => l.includes('webhook_dead_letter'))).toBe(true);
    const metrics = await server.client().get('/metrics');
    expect(metrics.text).toMatch(/kabuto_webhooks_queued\{status="dead"\} [1-9]/);
    expect(metrics.text).toMatch(new RegExp(`kabuto_webhooks_dead_total\\{endpoint="${deadEndpoint.endpoint.id}"\\} [1-9]`));
    expect(metrics.text).toMatch(/kabuto_webhooks_delivered_total\{endpoint="ep_[^"]+"\} [1-9]/);

    dead.mode = 'ok';
    const retried = await server.admin().post(`/api/admin/v1/webhooks/${deadEndpoint.endpoint.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.requeued).toBe(deadLetters.body.deliveries.length);
    await deliverAll(server);
    // The endpoint receives what the other did (and the audit of its own retry), each once.
    for (const id of alive.accepted.keys()) expect(dead.accepted.has(id)).toBe(true);
    expect(dead.duplicates).toEqual([]);
    expect(alive.duplicates).toEqual([]);
    expect([...alive.accepted.values()].map((d) => d.payload.data.customer)).toContain(
      (await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.id,
    );
  });
});
