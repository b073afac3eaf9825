import { beforeAll, describe, expect, it } from 'vitest';
import { dialect, useTestServer } from '../support/harness.js';
import { createCustomer, passChallengeBySms, signedInWithSms, signInWithPassword } from '../support/flows.js';

// Issue 13.4: a password change (or an operator's factor reset) ends every session, including one
// opened by a sign-in with the old password that raced the change. Each session carries the
// credential version read with the password hash it was opened with; a change bumps the version.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`credential version on sessions (${dialect})`, () => {
  let verifyDelayMs = 150;
  const server = useTestServer({}, { per: 'suite' });
  beforeAll(async () => {
    // A loaded server: every password check takes 150 ms longer after the hash is computed, so each
    // racing sign-in holds the old hash's verdict across the whole change (the window of the race).
    const real = server.kabuto.deps.hasher;
    server.kabuto.deps.hasher = {
      ...real,
      verify: async (hashed, password) => {
        const verdict = await real.verify(hashed, password);
        await sleep(verifyDelayMs);
        return verdict;
      },
    };
  });

  it('12 sign-ins with the old password racing a password change: none stays alive after it', async () => {
    const customer = await createCustomer(server);
    const owner = server.client();
    expect((await signInWithPassword(owner, customer)).status).toBe(200);
    const newPassword = `${customer.password} renewed`;

    const racers = Array.from({ length: 12 }, () => server.client());
    const signIns = racers.map(async (client, i) => {
      await sleep(i * 40);
      return (await signInWithPassword(client, customer)).status;
    });
    const change = owner.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword });
    const [statuses, changed] = await Promise.all([Promise.all(signIns), change]);
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);

    const signedIn = statuses.filter((s) => s === 200).length;
    const alive = (await Promise.all(racers.map((c) => c.get('/api/v1/me')))).filter((r) => r.status === 200).length;
    console.log(`[${dialect}] racing sign-ins with the old password: ${signedIn} answered 200, ${alive} session(s) alive after the change`);
    expect(alive).toBe(0);
    // The customer who changed it stays signed in, on a fresh token; the new password works.
    expect((await owner.get('/api/v1/me')).status).toBe(200);
    expect((await signInWithPassword(server.client(), { ...customer, password: newPassword })).status).toBe(200);
  });

  it('a two-factor sign-in begun with the old password and finished after the change opens no session', async () => {
    const { customer, client: owner } = await signedInWithSms(server, undefined, 'login');
    const attacker = server.client();
    const login = await signInWithPassword(attacker, customer);
    expect(login.body.status).toBe('second_factor_required');
    const newPassword = `${customer.password} renewed`;
    const changed = await owner.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword });
    // Scope `login` still asks for the factor at a password change (MFA is on).
    expect(changed.status).toBe(403);
    expect((await passChallengeBySms(server, owner, changed.body.challenge.id, customer.phone!)).status).toBe(200);
    server.clock.advance(61_000);
    const done = await owner.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword, challengeId: changed.body.challenge.id });
    expect(done.status, JSON.stringify(done.body)).toBe(200);

    const verified = await passChallengeBySms(server, attacker, login.body.challenge.id, customer.phone!);
    expect(verified.status).toBe(410);
    expect(verified.body.error).toBe('challenge_expired');
    expect((await attacker.get('/api/v1/me')).status).toBe(401);
    expect((await owner.get('/api/v1/me')).status).toBe(200);
  });

  it("a sign-in that checked the password before an operator's factor reset opens no live session", async () => {
    const customer = await createCustomer(server);
    const racer = server.client();
    // The sign-in has read the customer and is checking the password (600 ms here) when the reset lands.
    verifyDelayMs = 600;
    const signIn = signInWithPassword(racer, customer);
    await sleep(150);
    expect((await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/mfa/reset`)).status).toBe(200);
    expect((await signIn).status).toBe(200);
    verifyDelayMs = 150;
    expect((await racer.get('/api/v1/me')).status).toBe(401);
    // A sign-in after the reset is a new, good one.
    expect((await signInWithPassword(racer, customer)).status).toBe(200);
    expect((await racer.get('/api/v1/me')).status).toBe(200);
  });
});
