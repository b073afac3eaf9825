import { describe, expect, it } from 'vitest';
import { type TestServer, useTestServer } from '../support/harness.js';
import { createCustomer, outbox, signInWithPassword } from '../support/flows.js';

const notices = async (server: TestServer, email: string) => (await outbox(server, email)).filter((m) => m.subject?.includes('ログインのお知らせ'));

describe('new-device sign-in', () => {
  const server = useTestServer({ startAt: Date.UTC(2026, 3, 1, 3, 4, 0) }, { per: 'suite' });

  it('sends ログインのお知らせ with the time, address and browser for a device never seen before', async () => {
    const customer = await createCustomer(server);
    const browser = server.client({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1' });
    const first = await signInWithPassword(browser, customer);
    expect(first.body.status).toBe('signed_in');
    // A random part and the server's MAC of it: only the server issues device tokens.
    expect(browser.cookies.get('kabuto_device')).toMatch(/^[A-Za-z0-9_-]{43}\.[0-9a-f]{32}$/);
    const [notice, ...others] = await notices(server, customer.email);
    expect(others).toHaveLength(0);
    expect(notice!.body).toContain('日時: 2026-04-01 12:04 JST');
    expect(notice!.body).toContain('IPアドレス: 127.0.0.1');
    // A parsed browser and OS name, never the User-Agent itself (issue 11.13).
    expect(notice!.body).toContain('ブラウザ: Safari 18 / iOS 18');
    expect(notice!.body).not.toContain('Mozilla');
    expect(notice!.body).toContain('A sign-in from a new device.');

    // The same browser again (its device cookie survives sign-out): no notice.
    await browser.post('/api/v1/logout');
    expect((await signInWithPassword(browser, customer)).body.status).toBe('signed_in');
    expect(await notices(server, customer.email)).toHaveLength(1);

    // Another browser: a notice. A forged device cookie counts as no cookie.
    const other = server.client();
    other.cookies.set('kabuto_device', browser.cookies.get('kabuto_device')!.replace(/.$/, '!'));
    await signInWithPassword(other, customer);
    expect(await notices(server, customer.email)).toHaveLength(2);
  });

  it('never pastes the User-Agent into the notice: an attacker’s text stays out of a genuine mail (issue 11.13)', async () => {
    const customer = await createCustomer(server);
    const hostile = 'Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 URGENT: call 0120-000-000 now or visit https://kabuto-support.example/';
    expect((await signInWithPassword(server.client({ userAgent: hostile }), customer)).body.status).toBe('signed_in');
    const [notice] = await notices(server, customer.email);
    expect(notice!.body).toContain('ブラウザ: Chrome 131 / Windows 10');
    for (const text of ['0120-000-000', 'kabuto-support.example', 'URGENT', 'Mozilla']) expect(notice!.body).not.toContain(text);
    const customer2 = await createCustomer(server);
    expect((await signInWithPassword(server.client({ userAgent: 'Please call https://evil.example/ at once' }), customer2)).body.status).toBe('signed_in');
    const [other] = await notices(server, customer2.email);
    expect(other!.body).toContain('ブラウザ: 不明 (unknown) / 不明 (unknown)');
    expect(other!.body).not.toContain('evil.example');
  });

  it("a device known for one customer is new for another", async () => {
    const [a, b] = [await createCustomer(server), await createCustomer(server)];
    const shared = server.client();
    await signInWithPassword(shared, a);
    await shared.post('/api/v1/logout');
    await signInWithPassword(shared, b);
    expect(await notices(server, b.email)).toHaveLength(1);
  });
});

describe('KABUTO_NEW_DEVICE_STEP_UP=1', () => {
  const server = useTestServer({ env: { KABUTO_NEW_DEVICE_STEP_UP: '1' } }, { per: 'suite' });

  it('needs a second factor from a new device even with 2FA off, and not from a known one', async () => {
    const customer = await createCustomer(server);
    const browser = server.client();
    const first = await signInWithPassword(browser, customer);
    expect(first.body.status).toBe('second_factor_required');
    expect(first.body.challenge.methods.map((m: { type: string }) => m.type)).toEqual(['sms']);
    const sent = await browser.post(`/api/v1/challenges/${first.body.challenge.id}/sms`);
    expect(sent.status).toBe(200);
    const sms = await outbox(server, `+81${customer.phone!.replace(/-/g, '').slice(1)}`);
    const code = sms[0]!.body.match(/コード: ([0-9]{6})/)![1];
    const verified = await browser.post(`/api/v1/challenges/${first.body.challenge.id}/verify`, { method: 'sms', code });
    expect(verified.body.status).toBe('signed_in');
    expect(await notices(server, customer.email)).toHaveLength(1);

    await browser.post('/api/v1/logout');
    expect((await signInWithPassword(browser, customer)).body.status).toBe('signed_in');
  });

  it('signs in a customer who has no factor at all, with the notice', async () => {
    const customer = await createCustomer(server, { phone: undefined });
    const browser = server.client();
    expect((await signInWithPassword(browser, customer)).body.status).toBe('signed_in');
    expect(await notices(server, customer.email)).toHaveLength(1);
  });
});
