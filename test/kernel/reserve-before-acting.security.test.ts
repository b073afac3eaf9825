import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../../src/domain/kernel/ports.js';
import { OverloadedError } from '../../src/domain/kernel/errors.js';
import { dialect, type TestServer, useTestServers } from '../support/harness.js';
import { createCustomer, e164, outbox, signedInWithSms, signInWithPassword } from '../support/flows.js';
import { startFakeProvider, type FakeProvider } from '../factors/support/fake-sms-provider.js';

// Reserve before you act (issue 11.3–11.5, 13.3): every limit is taken atomically before the work it
// limits, so requests sent all at once are held to it exactly. Each burst is 50+ concurrent requests;
// on PostgreSQL (npm run test:pg) they truly run side by side on several connections.

const BURST = 60;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A cheap hasher that stays in flight a while (like argon2) and counts the passwords it judged. */
function slowHasher(): PasswordHasher & { judged: number } {
  const digest = (password: string) => `fake$${createHash('sha256').update(password).digest('hex')}`;
  const hasher = {
    judged: 0,
    hash: async (password: string) => digest(password),
    async verify(hash: string, password: string) {
      hasher.judged += 1;
      await sleep(40);
      return hash === digest(password);
    },
    verifyDummy: () => sleep(40),
    needsRehash: () => false,
  };
  return hasher;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe(`attack: parallel requests against every limit (${dialect})`, () => {
  const servers = useTestServers();
  let provider: FakeProvider | undefined;
  afterEach(async () => {
    await provider?.close();
    provider = undefined;
  });

  it('11.3: 60 wrong passwords at once from one address: exactly 20 are judged, the rest throttled', async () => {
    const hasher = slowHasher();
    const server = await servers.start({ overrides: { hasher } });
    const victims = await Promise.all([1, 2, 3].map(() => createCustomer(server)));
    const responses = await Promise.all(
      Array.from({ length: BURST }, (_, i) => server.client().post('/api/v1/login', { loginId: i % 4 === 3 ? `nobody${i}` : victims[i % 3]!.loginId, password: `wrong guess ${i}` })),
    );
    const statuses = responses.map((r) => r.status);
    expect(count(statuses, 401)).toBe(20);
    expect(count(statuses, 429)).toBe(BURST - 20);
    // Once throttled, the address stays throttled: even the right password is not judged.
    expect((await signInWithPassword(server.client(), victims[0]!)).status).toBe(429);
  });

  it('11.3: 59 wrong passwords and the right one at once: at most 5 are judged, and the account locks unless the right one was among them', async () => {
    const hasher = slowHasher();
    const server = await servers.start({ overrides: { hasher }, env: { KABUTO_TRUST_PROXY: '1' } });
    const customer = await createCustomer(server);
    const judgedBefore = hasher.judged;
    // Each guess from its own address: the address throttle is not what stops them here.
    const guesses = Array.from({ length: BURST }, (_, i) => (i === BURST - 1 ? customer.password : `wrong guess ${i}`));
    const responses = await Promise.all(
      guesses.map((password, i) =>
        server.client().post('/api/v1/login', { loginId: customer.loginId, password }, { 'x-forwarded-for': `198.51.100.${i + 1}` }),
      ),
    );
    const signedIn = responses.filter((r) => r.status === 200).length;
    expect(responses.filter((r) => r.status === 401).length).toBe(BURST - signedIn);
    // Locked accounts and exhausted budgets spend a dummy hash: only the real verifications are judged.
    expect(hasher.judged - judgedBefore).toBeLessThanOrEqual(5);
    const events = await server.kabuto.deps.store.loginEvents.list((await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.id, 100);
    const judged = events.filter((e) => e.result !== 'locked');
    expect(judged.length).toBeLessThanOrEqual(5);
    expect(events.filter((e) => e.result === 'locked').length).toBeGreaterThanOrEqual(BURST - 5);
    const after = (await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!;
    if (signedIn === 0) {
      expect(after.lockCount).toBe(1);
      expect(after.lockedUntil).toBeGreaterThan(server.clock.now());
      expect((await signInWithPassword(server.client(), customer)).status).toBe(401);
    }
    expect(after.failedLogins).toBeLessThanOrEqual(5);
  });

  it('11.3 with the real argon2: 24 wrong passwords and the right one at once judge at most 5', async () => {
    const server = await servers.start({ env: { KABUTO_TRUST_PROXY: '1' } });
    const customer = await createCustomer(server);
    const guesses = [...Array.from({ length: 24 }, (_, i) => `wrong guess ${i}`), customer.password];
    const responses = await Promise.all(
      guesses.map((password, i) => server.client().post('/api/v1/login', { loginId: customer.loginId, password }, { 'x-forwarded-for': `203.0.113.${i + 1}` })),
    );
    const signedIn = responses.filter((r) => r.status === 200).length;
    expect(signedIn).toBeLessThanOrEqual(1);
    const id = (await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.id;
    const events = await server.kabuto.deps.store.loginEvents.list(id, 100);
    expect(events.filter((e) => e.result !== 'locked').length).toBeLessThanOrEqual(5);
    expect(events.filter((e) => e.result === 'locked').length).toBeGreaterThanOrEqual(20);
  });

  it('11.3: a known device keeps its own budget of 5 under a lock, also when its guesses arrive at once', async () => {
    const hasher = slowHasher();
    const server = await servers.start({ overrides: { hasher }, env: { KABUTO_TRUST_PROXY: '1' } });
    const customer = await createCustomer(server);
    const owner = server.client();
    expect((await signInWithPassword(owner, customer)).status).toBe(200);
    // The attacker locks the account from elsewhere.
    await Promise.all(Array.from({ length: 10 }, (_, i) => server.client().post('/api/v1/login', { loginId: customer.loginId, password: `x${i}` }, { 'x-forwarded-for': `192.0.2.${i + 1}` })));
    expect((await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.lockedUntil).toBeGreaterThan(server.clock.now());
    const device = owner.cookies.get('kabuto_device')!;
    const judgedBefore = hasher.judged;
    const responses = await Promise.all(
      Array.from({ length: BURST }, (_, i) => {
        const client = server.client();
        client.cookies.set('kabuto_device', device);
        return client.post('/api/v1/login', { loginId: customer.loginId, password: `wrong again ${i}` }, { 'x-forwarded-for': `192.0.2.${100 + (i % 100)}` });
      }),
    );
    expect(responses.every((r) => r.status === 401)).toBe(true);
    expect(hasher.judged - judgedBefore).toBe(5);
  });

  it('11.3: a guess whose hash never ran (503, hashing queue full) gives every place back; a count left by a crash cannot hold the account shut', async () => {
    const hasher = slowHasher();
    let overloaded = false;
    const flaky: PasswordHasher = {
      ...hasher,
      verify: (hash, password) => (overloaded ? Promise.reject(new OverloadedError(1)) : hasher.verify(hash, password)),
      verifyDummy: (password) => (overloaded ? Promise.reject(new OverloadedError(1)) : hasher.verifyDummy(password)),
    };
    const server = await servers.start({ overrides: { hasher: flaky } });
    const customer = await createCustomer(server);
    overloaded = true;
    // One after another (at once, places in flight would rightly throttle and lock): none of them may stay taken.
    for (let i = 0; i < 25; i++) {
      const shed = await server.client().post('/api/v1/login', { loginId: i % 2 ? customer.loginId : `nobody${i}`, password: `guess ${i}` });
      expect(shed.status).toBe(503);
    }
    overloaded = false;
    const after = (await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!;
    expect(after.failedLogins).toBe(0);
    expect(after.lockedUntil).toBeNull();
    // Neither the account nor the address lost anything: the right password signs in.
    expect((await signInWithPassword(server.client(), customer)).status).toBe(200);

    // A process killed mid-hash leaves its reservations counted: the next guess turns them into a lock that ends.
    await server.kabuto.deps.store.customers.update(after.id, { failedLogins: 5, updatedAt: server.clock.now() });
    expect((await signInWithPassword(server.client(), customer)).status).toBe(401);
    server.clock.advance(15 * 60_000 + 1000);
    expect((await signInWithPassword(server.client(), customer)).status).toBe(200);
  });

  it('11.4: 20 challenges × 5 wrong codes at once never pass the 24-hour budget of 50 guesses', async () => {
    const server = await servers.start({ overrides: { hasher: slowHasher() } });
    const { customer } = await signedInWithSms(server);
    const attacker = server.client();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await signInWithPassword(attacker, customer)).body.challenge.id);
    const responses = await Promise.all(
      ids.flatMap((id, c) => Array.from({ length: 5 }, (_, g) => attacker.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: String(100000 + c * 10 + g) }))),
    );
    const judged = responses.filter((r) => r.body.error === 'invalid_code' || r.body.error === 'too_many_attempts').length;
    expect(judged).toBeLessThanOrEqual(50);
    const id = (await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.id;
    const now = server.clock.now();
    expect(await server.kabuto.deps.store.throttle.count(`code-fail:${id}`, now - 24 * 3600_000)).toBeLessThanOrEqual(50);
    let attempts = 0;
    for (const c of ids) attempts += (await server.kabuto.deps.store.challenges.findById(c))!.attempts;
    expect(attempts).toBeLessThanOrEqual(50);
    expect(responses.some((r) => r.body.error === 'factor_locked')).toBe(true);
    // The factor is locked for everyone until an operator resets it.
    const login = await signInWithPassword(server.client(), customer);
    expect((await server.client().post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code: '123456' })).body.error).toBe('factor_locked');
  });

  it('11.4: 60 wrong codes at once on one challenge: exactly 5 are judged', async () => {
    const server = await servers.start({ overrides: { hasher: slowHasher() } });
    const { customer } = await signedInWithSms(server);
    const attacker = server.client();
    const id = (await signInWithPassword(attacker, customer)).body.challenge.id;
    const responses = await Promise.all(Array.from({ length: BURST }, (_, g) => attacker.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: String(200000 + g) })));
    expect(responses.filter((r) => r.body.error === 'invalid_code').length).toBe(4);
    expect((await server.kabuto.deps.store.challenges.findById(id))!.status).toBe('dead');
    expect((await server.kabuto.deps.store.challenges.findById(id))!.attempts).toBe(5);
  });

  it('11.5: 60 sends at once for one customer never pass the hourly cap of 10', async () => {
    const server = await servers.start({ overrides: { hasher: slowHasher() }, env: { KABUTO_MFA_REQUIRED: '1' } });
    const customer = await createCustomer(server);
    const ids: string[] = [];
    const client = server.client();
    for (let i = 0; i < BURST; i++) ids.push((await signInWithPassword(client, customer)).body.challenge.id);
    const responses = await Promise.all(ids.map((id) => client.post(`/api/v1/challenges/${id}/sms`)));
    expect(count(responses.map((r) => r.status), 200)).toBe(10);
    expect(count(responses.map((r) => r.status), 429)).toBe(BURST - 10);
    expect(await outbox(server, e164(customer.phone!))).toHaveLength(10);
  });

  it('11.5: 60 sends at once to one number from 60 customers never pass its hourly cap of 10', async () => {
    const server = await servers.start({ overrides: { hasher: slowHasher() }, env: { KABUTO_MFA_REQUIRED: '1' } });
    const phone = '090-6100-7200';
    const challenges: Array<{ client: ReturnType<TestServer['client']>; id: string }> = [];
    for (let i = 0; i < BURST; i++) {
      const customer = await createCustomer(server, { phone });
      const client = server.client();
      challenges.push({ client, id: (await signInWithPassword(client, customer)).body.challenge.id });
    }
    const responses = await Promise.all(challenges.map(({ client, id }) => client.post(`/api/v1/challenges/${id}/sms`)));
    expect(count(responses.map((r) => r.status), 200)).toBe(10);
    expect(await outbox(server, e164(phone))).toHaveLength(10);
  });

  it('13.3: a provider that delivers but answers after the time-out cannot pass any cap, and every such send is counted', async () => {
    provider = await startFakeProvider();
    provider.mode = 'hang';
    const server = await servers.start({
      overrides: { hasher: slowHasher() },
      env: {
        KABUTO_MFA_REQUIRED: '1',
        KABUTO_SMS_API_URL: provider.url,
        KABUTO_SMS_ACCOUNT_SID: 'AC0123456789abcdef',
        KABUTO_SMS_AUTH_TOKEN: 'provider-auth-token-xyz',
        KABUTO_SMS_FROM: '+815012345678',
        KABUTO_SMS_TIMEOUT_MS: '200',
      },
    });
    const customer = await createCustomer(server);
    const client = server.client();
    const ids: string[] = [];
    for (let i = 0; i < BURST; i++) ids.push((await signInWithPassword(client, customer)).body.challenge.id);
    const responses = await Promise.all(ids.map((id) => client.post(`/api/v1/challenges/${id}/sms`)));
    expect(count(responses.map((r) => r.status), 502)).toBe(10);
    expect(provider.requests).toHaveLength(10);
    // Counted in the metrics as sent, too.
    const metrics = (await server.client().get('/metrics')).text;
    expect(metrics).toMatch(/^kabuto_codes_sent_total\{channel="sms",purpose="login"\} 10$/m);
    // Sent one after another on one challenge: the per-challenge cap of 5 holds too, with no resend wait.
    await server.close();
    provider.requests.length = 0;
    const fresh = await servers.start({
      overrides: { hasher: slowHasher() },
      env: { KABUTO_MFA_REQUIRED: '1', KABUTO_SMS_API_URL: provider.url, KABUTO_SMS_ACCOUNT_SID: 'AC0123456789abcdef', KABUTO_SMS_AUTH_TOKEN: 'provider-auth-token-xyz', KABUTO_SMS_FROM: '+815012345678', KABUTO_SMS_TIMEOUT_MS: '200' },
    });
    const other = await createCustomer(fresh);
    const browser = fresh.client();
    const one = (await signInWithPassword(browser, other)).body.challenge.id;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await browser.post(`/api/v1/challenges/${one}/sms`)).status);
    expect(statuses).toEqual([502, 502, 502, 502, 502, 429, 429]);
    expect(provider.requests).toHaveLength(5);
  });
});
