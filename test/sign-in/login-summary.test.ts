import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, signInWithPassword } from '../support/flows.js';

// GET /api/v1/history/logins/summary: マイページ's 前回ログイン is the sign-in before this session's, and the
// wrong passwords and locks since then are counted (both databases: the suite runs on each).

describe('GET /api/v1/history/logins/summary', () => {
  const server = useTestServer();

  it('names the previous sign-in, not the current one, and the failures and lock in between', async () => {
    const customer = await createCustomer(server);
    const first = server.client();
    expect((await signInWithPassword(first, customer)).status).toBe(200);
    const firstAt = new Date(server.clock.now()).toISOString();
    // The first session: no earlier sign-in, nothing to report.
    expect((await first.get('/api/v1/history/logins/summary')).body).toEqual({ previous: null, failedSince: 0, locksSince: 0 });

    server.clock.advance(60_000);
    const stranger = server.client();
    for (let i = 0; i < 5; i++) expect((await stranger.post('/api/v1/login', { loginId: customer.loginId, password: `not the password ${i}` })).status).toBe(401);
    server.clock.advance(24 * 60 * 60_000); // past any lock

    const owner = server.client();
    expect((await signInWithPassword(owner, customer)).status).toBe(200);
    const summary = await owner.get('/api/v1/history/logins/summary');
    expect(summary.status).toBe(200);
    expect(summary.body.previous.at).toBe(firstAt);
    expect(summary.body.failedSince).toBe(5);
    expect(summary.body.locksSince).toBe(1);
  });

  it('needs a session', async () => {
    const response = await server.client().get('/api/v1/history/logins/summary');
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('unauthenticated');
  });
});
