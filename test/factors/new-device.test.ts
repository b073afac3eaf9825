import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { createCustomer, outbox, signInWithPassword } from '../support/flows.js';

const notices = async (server: TestServer, email: string) => (await outbox(server, email)).filter((m) => m.subject?.includes('ログインのお知らせ'));

describe('new-device sign-in', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ startAt: Date.UTC(2026, 3, 1, 3, 4, 0) });
  });
  afterAll(() => server.close());

  it('sends ログインのお知らせ with the time, address and browser for a device never seen before', async () => {
    const customer = await createCustomer(server);
    const browser = server.client({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1' });
    const first = await signInWithPassword(browser, customer);
    expect(first.body.status).toBe('signed_in');
    expect(browser.cookies.get('kabuto_device')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [notice, ...others] = await notices(server, customer.email);
    expect(others).toHaveLength(0);
    expect(notice!.body).toContain('日時: 2026-04-01 12:04 JST');
    expect(notice!.body).toContain('IPアドレス: 127.0.0.1');
    expect(notice!.body).toContain('ブラウザ: Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1');
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
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { KABUTO_NEW_DEVICE_STEP_UP: '1' } });
  });
  afterAll(() => server.close());

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
