import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, outbox, signedIn, signInWithPassword } from '../support/flows.js';
import { BANK } from '../factors/support/factor-flows.js';
import { expectFrozen, latestFreezeCode, order, withdrawal } from './support.js';

// Issue 16.2–16.3: every notice e-mail carries a one-time freeze code; with the login ID on the sign-in
// page (no password) it freezes sign-in and withdrawals. "This wasn't me", from a code or the portal:
// withdrawals frozen, every session ended, devices untrusted, the operators told.

const rich = { cash: 1_000_000, bankAccount: BANK };

describe('the notice freeze code', () => {
  const server = useTestServer();

  it('is in every notice e-mail, link-free, and a different one each time', async () => {
    const customer = await createCustomer(server);
    await signInWithPassword(server.client(), customer);
    await signInWithPassword(server.client(), customer);
    const mails = await outbox(server, customer.email);
    expect(mails.length).toBeGreaterThanOrEqual(2);
    const codes = mails.map((m) => m.body.match(/Freeze code: ([A-Z0-9]{5}-[A-Z0-9]{5})/)?.[1]);
    expect(codes.every((c) => c !== undefined)).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    for (const mail of mails) expect(mail.body).not.toMatch(/https?:|www\./);
  });

  it('freezes sign-in and withdrawals with the login ID alone, ends every session, and works once', async () => {
    const { customer, client } = await signedIn(server, rich);
    const code = await latestFreezeCode(server, customer.email);
    const stranger = server.client();
    const frozen = await stranger.post('/api/v1/protection/freeze-code', { loginId: customer.loginId, code: code.toLowerCase().replace('-', ' ') });
    expect(frozen.status, JSON.stringify(frozen.body)).toBe(200);
    expect(frozen.body).toEqual({ status: 'frozen', levels: ['withdrawals', 'sign_in'] });
    expect((await client.get('/api/v1/me')).status).toBe(401);
    expectFrozen(await signInWithPassword(server.client(), customer), 'sign_in');
    const state = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/freeze`);
    expect(state.body).toMatchObject({ withdrawals: { frozen: true }, signIn: { frozen: true }, orders: { frozen: false } });

    const again = await stranger.post('/api/v1/protection/freeze-code', { loginId: customer.loginId, code });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_code');
    const audit = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`);
    expect(audit.body.find((e: { action: string }) => e.action === 'account_frozen').detail).toEqual({ levels: ['withdrawals', 'sign_in'], source: 'freeze_code' });
  });

  it('answers an unknown ID, a wrong code, another customer’s code and an expired code alike', async () => {
    const [a, b] = [await createCustomer(server, rich), await createCustomer(server, rich)];
    await signInWithPassword(server.client(), a);
    await signInWithPassword(server.client(), b);
    const codeOfA = await latestFreezeCode(server, a.email);
    const codeOfB = await latestFreezeCode(server, b.email);
    const client = server.client();
    const answers = [
      await client.post('/api/v1/protection/freeze-code', { loginId: 'nobody-here-123', code: codeOfA }),
      await client.post('/api/v1/protection/freeze-code', { loginId: a.loginId, code: 'AAAAA-AAAAA' }),
      await client.post('/api/v1/protection/freeze-code', { loginId: a.loginId, code: codeOfB }),
      await client.post('/api/v1/protection/freeze-code', { loginId: a.loginId, code: '<script>' }),
    ];
    server.clock.advance(31 * 24 * 3600_000);
    answers.push(await client.post('/api/v1/protection/freeze-code', { loginId: a.loginId, code: codeOfA }));
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      const { requestId: _id, ...rest } = answer.body;
      expect(rest).toEqual({ error: 'invalid_code', message: expect.any(String) });
    }
    // Nothing was frozen by any of them.
    const state = await server.admin().get(`/api/admin/v1/customers/${a.loginId}/freeze`);
    expect(state.body.signIn.frozen).toBe(false);
  });

  it('counts an address’s failed attempts: 429 after the limit', async () => {
    const customer = await createCustomer(server);
    const client = server.client();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await client.post('/api/v1/protection/freeze-code', { loginId: customer.loginId, code: `WRONG-${String(i).padStart(5, '0')}` })).status);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

describe('this wasn’t me', () => {
  const server = useTestServer();
  const newDevice = async (email: string) => (await outbox(server, email)).filter((m) => m.subject?.includes('ログインのお知らせ')).length;

  it('from the portal: withdrawals frozen, every session ended, devices untrusted, an alert for the operators', async () => {
    const { customer, client } = await signedIn(server, rich);
    const other = server.client();
    await signInWithPassword(other, customer);
    const before = await newDevice(customer.email);
    const reported = await client.post('/api/v1/protection/not-me');
    expect(reported.status).toBe(200);
    expect(reported.body).toEqual({ status: 'reported' });
    expect((await client.get('/api/v1/me')).status).toBe(401);
    expect((await other.get('/api/v1/me')).status).toBe(401);
    // Sign-in is not frozen by it; the same browser counts as a new device again.
    expect((await signInWithPassword(client, customer)).status).toBe(200);
    expect(await newDevice(customer.email)).toBe(before + 1);
    expectFrozen(await withdrawal(client, customer), 'withdrawals');
    expect((await order(client, customer)).status).toBe(201);

    const alerts = await server.admin().get('/api/admin/v1/alerts');
    expect(alerts.status).toBe(200);
    const alert = alerts.body.alerts.find((a: { detail: { loginId: string } }) => a.detail.loginId === customer.loginId);
    expect(alert).toMatchObject({ kind: 'not_me', detail: { via: 'portal' } });
    expect((await server.client().get('/api/admin/v1/alerts')).status).toBe(401);
    // A page of one: the limit is read from the query string's digits.
    const one = await server.admin().get('/api/admin/v1/alerts?limit=1');
    expect(one.status).toBe(200);
    expect(one.body.alerts).toHaveLength(1);
    const metrics = await server.client().get('/metrics');
    expect(metrics.text).toMatch(/kabuto_send_alerts_total\{kind="not_me"\} 1/);
  });

  it('from a notice’s code: sign-in and withdrawals frozen, and the operators told', async () => {
    const { customer } = await signedIn(server, rich);
    const code = await latestFreezeCode(server, customer.email);
    const answer = await server.client().post('/api/v1/protection/freeze-code', { loginId: customer.loginId, code, notMe: true });
    expect(answer.status).toBe(200);
    const alerts = (await server.admin().get('/api/admin/v1/alerts')).body.alerts;
    expect(alerts.find((a: { detail: { loginId: string } }) => a.detail.loginId === customer.loginId)).toMatchObject({ kind: 'not_me', detail: { via: 'freeze_code' } });
    expectFrozen(await signInWithPassword(server.client(), customer), 'sign_in');
  });
});
