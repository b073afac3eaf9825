import { describe, expect, it } from 'vitest';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import { dialect, useTestServer } from '../support/harness.js';
import { ADDRESSES, fastHasher, recordOf } from './support.js';

// Issue 17: failed sign-ins across many accounts from one network (a botnet renting addresses across
// one hosting provider) are slowed by the network's own budget and alert operators once; no account is
// locked for it (the victims would be the ones shut out). The budget is reserved before the password
// is judged: 80 guesses sent at once from 80 addresses of the network, exactly 60 are judged.

describe(`risk: credential stuffing from one network (${dialect})`, () => {
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' }, overrides: { hasher: fastHasher() } });

  it('80 accounts tried at once from 80 addresses of one hosting network: 60 judged, 20 slowed (429), one alert, nothing locked', async () => {
    const victims = await Promise.all(Array.from({ length: 80 }, () => createCustomer(server)));
    const answers = await Promise.all(
      victims.map((victim, i) => server.client().post('/api/v1/login', { loginId: victim.loginId, password: 'Summer2025!' }, { 'x-forwarded-for': ADDRESSES.stuffingNetwork(i) })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(60);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);

    // Locking nothing: every victim has at most the one failure, no lock, and signs in from home.
    for (const victim of victims) {
      const record = await recordOf(server, victim.loginId);
      expect(record.lockedUntil).toBeNull();
      expect(record.failedLogins).toBeLessThanOrEqual(1);
    }
    const home = await server.client().post('/api/v1/login', { loginId: victims[0]!.loginId, password: victims[0]!.password }, { 'x-forwarded-for': ADDRESSES.homeTokyo[0] });
    expect(home.status).toBe(200);
    // The network stays slowed, even for a right password (it would give the place back).
    const throttled = await server.client().post('/api/v1/login', { loginId: victims[1]!.loginId, password: victims[1]!.password }, { 'x-forwarded-for': ADDRESSES.stuffingNetwork(200) });
    expect(throttled.status).toBe(429);

    // One alert for the window: a log line, a metric, an audit entry naming the network.
    const alerts = server.logs.filter((line) => line.includes('"alert":"credential_stuffing"'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('"network":"as14061"');
    const metrics = await server.client().get('/metrics');
    expect(metrics.text).toMatch(/kabuto_risk_alerts_total\{kind="credential_stuffing"\} 1/);
    expect(metrics.text).toMatch(/kabuto_risk_decisions_total\{rule="signin.network_throttle",mode="enforce",outcome="refuse"\} 21/);
    const audit = await server.kabuto.deps.store.audit.listAll(0, 1000);
    expect(audit.filter((e) => e.action === 'risk_alert')).toEqual([expect.objectContaining({ customerId: null, detail: expect.objectContaining({ kind: 'credential_stuffing', network: 'as14061' }) })]);
    // No account's owner was told of a lock.
    expect(audit.some((e) => e.action === 'login_locked')).toBe(false);
  });

  it('a right password from a clean network is not slowed by another network’s failures', async () => {
    const customer = await createCustomer(server);
    await Promise.all(
      Array.from({ length: 61 }, (_, i) => server.client().post('/api/v1/login', { loginId: customer.loginId, password: `wrong-${i}` }, { 'x-forwarded-for': ADDRESSES.stuffingNetwork(i) })),
    );
    const other = await createCustomer(server);
    expect((await signInWithPassword(server.client(), other)).status).toBe(200);
    const fromHome = await server.client().post('/api/v1/login', { loginId: other.loginId, password: other.password }, { 'x-forwarded-for': ADDRESSES.homeTokyo[1] });
    expect(fromHome.status).toBe(200);
  });
});
