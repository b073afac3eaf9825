import { describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/domain/factors/totp.js';
import { useTestServer } from '../support/harness.js';
import { outbox, signedIn, signedInWithSms, signInWithPassword } from '../support/flows.js';
import { base32Decode, enrolTotp, setMfa, storedTotpSecret } from './support/factor-flows.js';

describe('authenticator apps (TOTP)', () => {
  const server = useTestServer({ startAt: Date.UTC(2026, 0, 5, 0, 0, 10) }, { per: 'suite' });

  it('enrols with a QR code and the secret in text, confirmed by a first code', async () => {
    const { customer, client } = await signedIn(server);
    const started = await client.post('/api/v1/settings/totp', { tradingPassword: customer.tradingPassword });
    expect(started.status).toBe(200);
    expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.body.uri).toMatch(/^otpauth:\/\/totp\/.+secret=/);
    expect(started.body.qrCode).toMatch(/^data:image\/png;base64,/);
    expect((await client.get('/api/v1/settings/totp')).body).toEqual({ enrolled: false, pending: true });

    const secret = base32Decode(started.body.secret);
    const wrong = await client.post('/api/v1/settings/totp/confirm', { code: '000000' === totpCodeAt(secret, server.clock.now()) ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_code');
    const right = await client.post('/api/v1/settings/totp/confirm', { code: totpCodeAt(secret, server.clock.now()) });
    expect(right.status).toBe(200);
    expect((await client.get('/api/v1/settings/totp')).body).toEqual({ enrolled: true, pending: false });
    expect((await client.get('/api/v1/settings/mfa')).body.available.totp).toEqual({ available: true });
    expect((await outbox(server, customer.email)).some((m) => m.subject?.includes('認証アプリを登録しました'))).toBe(true);
  });

  it('keeps the secret encrypted at rest', async () => {
    const { customer, client } = await signedIn(server);
    const secret = await enrolTotp(server, client, customer);
    const stored = await storedTotpSecret(server, customer.loginId);
    expect(stored.sealed.startsWith('v1.')).toBe(true);
    for (const form of [secret.toString('hex'), secret.toString('base64'), secret.toString('base64url')]) expect(stored.sealed).not.toContain(form);
    expect(stored.plain).toEqual(secret);
  });

  it('needs the current factor to enrol when MFA is on', async () => {
    const { customer, client } = await signedInWithSms(server);
    const first = await client.post('/api/v1/settings/totp', { tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    expect(first.body).toMatchObject({ error: 'step_up_required', challenge: { purpose: 'mfa_settings' } });
  });

  it('signs in with an app code, accepts a code once per time step, one step either side', async () => {
    const { customer, client } = await signedIn(server);
    const secret = await enrolTotp(server, client, customer);
    await setMfa(server, client, customer, 'totp', 'login');

    // The enrolment's own code was spent on confirmation; wait for the next step.
    server.clock.advance(30_000);
    const login = await signInWithPassword(server.client(), customer);
    expect(login.body.status).toBe('second_factor_required');
    expect(login.body.challenge.methods.map((m: { type: string }) => m.type)).toContain('totp');
    const code = totpCodeAt(secret, server.clock.now());
    const ok = await server.client().post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'totp', code });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('signed_in');

    // The same code, relayed within its 30 seconds by whoever watched it typed: refused.
    const again = await signInWithPassword(server.client(), customer);
    const replay = await server.client().post(`/api/v1/challenges/${again.body.challenge.id}/verify`, { method: 'totp', code });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_code', attemptsLeft: 4 });

    // The previous step's code is accepted only if no later one was used; the next step's always is.
    const next = totpCodeAt(secret, server.clock.now() + 30_000);
    expect((await server.client().post(`/api/v1/challenges/${again.body.challenge.id}/verify`, { method: 'totp', code: next })).status).toBe(200);

    // Two steps away: refused.
    server.clock.advance(30_000 * 5);
    const later = await signInWithPassword(server.client(), customer);
    const stale = totpCodeAt(secret, server.clock.now() - 60_000);
    const refused = await server.client().post(`/api/v1/challenges/${later.body.challenge.id}/verify`, { method: 'totp', code: stale });
    expect(refused.status).toBe(400);
  });

  it('one code, two concurrent sign-ins: exactly one succeeds', async () => {
    const { customer, client } = await signedIn(server);
    const secret = await enrolTotp(server, client, customer);
    await setMfa(server, client, customer, 'totp', 'login');
    server.clock.advance(30_000);
    const [a, b] = await Promise.all([signInWithPassword(server.client(), customer), signInWithPassword(server.client(), customer)]);
    const code = totpCodeAt(secret, server.clock.now());
    const results = await Promise.all([a, b].map((login) => server.client().post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'totp', code })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('counts wrong app codes like wrong SMS codes: five kill the challenge', async () => {
    const { customer, client } = await signedIn(server);
    await enrolTotp(server, client, customer);
    await setMfa(server, client, customer, 'totp', 'login');
    const login = await signInWithPassword(server.client(), customer);
    const id = login.body.challenge.id;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await server.client().post(`/api/v1/challenges/${id}/verify`, { method: 'totp', code: 'abc' })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
  });
});
