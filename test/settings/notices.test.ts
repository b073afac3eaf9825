import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, e164, outbox, passChallengeBySms, signedIn, signInWithPassword } from '../support/flows.js';

// Issue 16.4: a notice on every sign-in when the customer asks for it (new devices only by default);
// failed-sign-in bursts and locks told with the approximate place; a phone change texted to the old number.

const TOKYO = '153.156.10.20';
const signInNotices = async (server: ReturnType<typeof useTestServer>, email: string) => (await outbox(server, email)).filter((m) => m.subject?.includes('ログインのお知らせ'));

describe('notice preferences and sign-in notices', () => {
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' } });

  it('new devices only by default; every sign-in once asked for, with the approximate place', async () => {
    const { customer, client } = await signedIn(server);
    expect((await client.get('/api/v1/settings/notices')).body).toEqual({ everySignIn: false });
    await client.post('/api/v1/logout');
    await signInWithPassword(client, customer);
    expect(await signInNotices(server, customer.email)).toHaveLength(1);

    const on = await client.put('/api/v1/settings/notices', { everySignIn: true });
    expect(on.body).toEqual({ everySignIn: true });
    await client.post('/api/v1/logout');
    expect((await client.post('/api/v1/login', { loginId: customer.loginId, password: customer.password }, { 'x-forwarded-for': TOKYO })).status).toBe(200);
    const notices = await signInNotices(server, customer.email);
    expect(notices).toHaveLength(2);
    expect(notices[0]!.body).toContain('ログインがありました');
    expect(notices[0]!.body).toContain(`IPアドレス: ${TOKYO}`);
    expect(notices[0]!.body).toMatch(/場所（推定）: JP/);
    expect(notices[0]!.body).toMatch(/Freeze code: [A-Z0-9]{5}-[A-Z0-9]{5}/);

    expect((await client.put('/api/v1/settings/notices', { everySignIn: false })).status).toBe(200);
    await client.post('/api/v1/logout');
    await signInWithPassword(client, customer);
    expect(await signInNotices(server, customer.email)).toHaveLength(2);
    const audit = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`);
    expect(audit.body.filter((e: { action: string }) => e.action === 'notice_preferences_changed')).toHaveLength(2);
    expect((await client.put('/api/v1/settings/notices', { everySignIn: 'yes' })).status).toBe(400);
  });

  it('tells a burst of failed sign-ins, then the lock, each with the address and its approximate place', async () => {
    const customer = await createCustomer(server);
    const attacker = server.client();
    const guess = () => attacker.post('/api/v1/login', { loginId: customer.loginId, password: 'wrong guess number x' }, { 'x-forwarded-for': TOKYO });
    for (let i = 0; i < 2; i++) await guess();
    const subjects = async () => (await outbox(server, customer.email)).map((m) => m.subject ?? '');
    expect((await subjects()).some((s) => s.includes('ログインの失敗が続いています'))).toBe(false);
    await guess();
    const burst = (await outbox(server, customer.email)).find((m) => m.subject?.includes('ログインの失敗が続いています'))!;
    expect(burst.body).toContain('3回');
    expect(burst.body).toContain(`IPアドレス: ${TOKYO}`);
    expect(burst.body).toMatch(/場所（推定）: JP/);
    for (let i = 0; i < 2; i++) await guess();
    const lock = (await outbox(server, customer.email)).find((m) => m.subject?.includes('ログインを一時的に停止しました'))!;
    expect(lock.body).toContain(TOKYO);
    expect(lock.body).toMatch(/場所（推定） JP/);
    expect((await subjects()).filter((s) => s.includes('ログインの失敗が続いています'))).toHaveLength(1);
  });

  it('texts a phone change to the old number too', async () => {
    const { customer, client } = await signedIn(server);
    const newPhone = '080-3131-9898';
    const first = await client.put('/api/v1/settings/phone', { phone: newPhone, tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    await passChallengeBySms(server, client, first.body.challenge.id, newPhone);
    expect((await client.put('/api/v1/settings/phone', { phone: newPhone, tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id })).status).toBe(200);
    const old = await outbox(server, e164(customer.phone!));
    expect(old.some((m) => m.body.includes('電話認証番号が末尾 9898 の番号に変更されました'))).toBe(true);
    expect(old.every((m) => !/https?:/.test(m.body))).toBe(true);
  });
});
