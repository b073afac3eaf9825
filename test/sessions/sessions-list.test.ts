import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, outbox, passChallengeBySms, signInWithPassword } from '../support/flows.js';

// Issue 16.1: ログイン中の端末. Every live session with its browser, OS, address and approximate place,
// first and last seen, the current one marked; one other ended, or all others; known devices listed
// and removable; device trust expiring after 90 days.

const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';
// A Japanese residential address in the offline data (its place is JP; not a hosting network, which the
// risk engine would step up), and a private one (unknown).
const TOKYO = '153.156.10.20';

describe('the sessions list', () => {
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' }, startAt: Date.UTC(2026, 5, 1, 0, 0, 0) });

  it('lists each live session with browser, OS, address, place and times; the current one marked', async () => {
    const customer = await createCustomer(server);
    const pc = server.client({ userAgent: CHROME_WINDOWS });
    const phone = server.client({ userAgent: SAFARI_IPHONE });
    expect((await pc.post('/api/v1/login', { loginId: customer.loginId, password: customer.password }, { 'x-forwarded-for': TOKYO })).status).toBe(200);
    server.clock.advance(60_000);
    expect((await phone.post('/api/v1/login', { loginId: customer.loginId, password: customer.password }, { 'x-forwarded-for': '192.168.1.20' })).status).toBe(200);

    const listed = await pc.get('/api/v1/sessions');
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(2);
    const [newest, oldest] = listed.body.sessions;
    expect(oldest).toMatchObject({ current: true, browser: 'Chrome 131', os: 'Windows 10', address: TOKYO, firstSeenAt: '2026-06-01T00:00:00.000Z' });
    expect(oldest.place.country).toBe('JP');
    expect(newest).toMatchObject({ current: false, browser: 'Safari 18', os: 'iOS 18', address: '192.168.1.20', place: { country: null, city: null }, firstSeenAt: '2026-06-01T00:01:00.000Z' });
    // The handle is not the session id (half of the cookie).
    for (const entry of listed.body.sessions) expect(pc.cookies.get('kabuto_session')!.startsWith(entry.id)).toBe(false);
    // The other browser sees itself as current.
    const fromPhone = await phone.get('/api/v1/sessions');
    expect(fromPhone.body.sessions.filter((s: { current: boolean }) => s.current).map((s: { browser: string }) => s.browser)).toEqual(['Safari 18']);
  });

  it('ends one other session; the current one is not ended this way, nor another customer’s', async () => {
    const customer = await createCustomer(server);
    const [pc, phone, tablet] = [server.client(), server.client({ userAgent: SAFARI_IPHONE }), server.client()];
    for (const browser of [pc, phone, tablet]) expect((await signInWithPassword(browser, customer)).status).toBe(200);
    const { sessions } = (await pc.get('/api/v1/sessions')).body;
    const phoneEntry = sessions.find((s: { browser: string | null }) => s.browser === 'Safari 18');
    const current = sessions.find((s: { current: boolean }) => s.current);

    const stranger = await createCustomer(server);
    const strangerBrowser = server.client();
    await signInWithPassword(strangerBrowser, stranger);
    expect((await strangerBrowser.request('DELETE', `/api/v1/sessions/${phoneEntry.id}`, {})).status).toBe(404);
    expect((await phone.get('/api/v1/me')).status).toBe(200);

    expect((await pc.request('DELETE', `/api/v1/sessions/${current.id}`, {})).status).toBe(400);
    const ended = await pc.request('DELETE', `/api/v1/sessions/${phoneEntry.id}`, {});
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ status: 'ended' });
    expect((await phone.get('/api/v1/me')).status).toBe(401);
    expect((await tablet.get('/api/v1/me')).status).toBe(200);
    expect((await pc.get('/api/v1/me')).status).toBe(200);
    expect((await pc.get('/api/v1/sessions')).body.sessions).toHaveLength(2);
    expect((await pc.request('DELETE', `/api/v1/sessions/${phoneEntry.id}`, {})).status).toBe(404);
    const audit = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`);
    expect(audit.body.map((e: { action: string }) => e.action)).toContain('session_ended');
  });

  it('ends every other session at once, the current one stays', async () => {
    const customer = await createCustomer(server);
    const [pc, phone, tablet] = [server.client(), server.client(), server.client()];
    for (const browser of [pc, phone, tablet]) expect((await signInWithPassword(browser, customer)).status).toBe(200);
    const ended = await pc.post('/api/v1/sessions/end-others');
    expect(ended.status).toBe(200);
    expect((await phone.get('/api/v1/me')).status).toBe(401);
    expect((await tablet.get('/api/v1/me')).status).toBe(401);
    expect((await pc.get('/api/v1/me')).status).toBe(200);
    const { sessions } = (await pc.get('/api/v1/sessions')).body;
    expect(sessions).toHaveLength(1);
    expect(sessions[0].current).toBe(true);
  });

  it('leaves out sessions past their idle limit, and needs a session', async () => {
    const customer = await createCustomer(server);
    const [pc, old] = [server.client(), server.client()];
    await signInWithPassword(old, customer);
    server.clock.advance(31 * 60_000);
    await signInWithPassword(pc, customer);
    expect((await pc.get('/api/v1/sessions')).body.sessions).toHaveLength(1);
    expect((await server.client().get('/api/v1/sessions')).status).toBe(401);
    expect((await server.client().get('/api/v1/devices')).status).toBe(401);
  });
});

describe('known devices', () => {
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' }, startAt: Date.UTC(2026, 5, 1, 0, 0, 0) });
  const newDeviceNotices = async (email: string) => (await outbox(server, email)).filter((m) => m.subject?.includes('ログインのお知らせ'));

  it('lists the devices, the current one marked, with trust for 90 days; a removed device is new again', async () => {
    const customer = await createCustomer(server);
    const pc = server.client({ userAgent: CHROME_WINDOWS });
    const phone = server.client({ userAgent: SAFARI_IPHONE });
    await pc.post('/api/v1/login', { loginId: customer.loginId, password: customer.password }, { 'x-forwarded-for': TOKYO });
    await signInWithPassword(phone, customer);
    const { devices } = (await pc.get('/api/v1/devices')).body;
    expect(devices).toHaveLength(2);
    const mine = devices.find((d: { current: boolean }) => d.current);
    expect(mine).toMatchObject({ browser: 'Chrome 131', os: 'Windows 10', address: TOKYO, trusted: true, trustedUntil: '2026-08-30T00:00:00.000Z' });
    expect(mine.place.country).toBe('JP');
    const other = devices.find((d: { current: boolean }) => !d.current);
    expect(other.browser).toBe('Safari 18');
    expect(await newDeviceNotices(customer.email)).toHaveLength(2);

    const removed = await pc.request('DELETE', `/api/v1/devices/${other.id}`, {});
    expect(removed.status).toBe(200);
    expect((await pc.get('/api/v1/devices')).body.devices).toHaveLength(1);
    expect((await pc.request('DELETE', `/api/v1/devices/${other.id}`, {})).status).toBe(404);
    // The phone's next sign-in is a new device's: the notice again.
    await phone.post('/api/v1/logout');
    await signInWithPassword(phone, customer);
    expect(await newDeviceNotices(customer.email)).toHaveLength(3);
  });

  it('a known device counts as new again after 90 days (notice), and its sign-in renews the trust', async () => {
    const customer = await createCustomer(server);
    const pc = server.client();
    await signInWithPassword(pc, customer);
    await pc.post('/api/v1/logout');
    server.clock.advance(89 * 24 * 3600_000);
    await signInWithPassword(pc, customer);
    expect(await newDeviceNotices(customer.email)).toHaveLength(1);
    await pc.post('/api/v1/logout');
    server.clock.advance(2 * 24 * 3600_000);
    await signInWithPassword(pc, customer);
    expect(await newDeviceNotices(customer.email)).toHaveLength(2);
    const [device] = (await pc.get('/api/v1/devices')).body.devices;
    expect(device.trusted).toBe(true);
    expect(device.trustedUntil).toBe(new Date(server.clock.now() + 90 * 24 * 3600_000).toISOString());
  });
});

describe('an expired device trust with KABUTO_NEW_DEVICE_STEP_UP=1', () => {
  const server = useTestServer({ env: { KABUTO_NEW_DEVICE_STEP_UP: '1', KABUTO_DEVICE_TRUST_DAYS: '30' } });

  it('asks for a second factor again once the device’s trust expired (KABUTO_DEVICE_TRUST_DAYS)', async () => {
    const customer = await createCustomer(server);
    const browser = server.client();
    const first = await signInWithPassword(browser, customer);
    expect(first.body.status).toBe('second_factor_required');
    expect((await passChallengeBySms(server, browser, first.body.challenge.id, customer.phone!)).body.status).toBe('signed_in');
    await browser.post('/api/v1/logout');
    server.clock.advance(29 * 24 * 3600_000);
    expect((await signInWithPassword(browser, customer)).body.status).toBe('signed_in');
    await browser.post('/api/v1/logout');
    server.clock.advance(2 * 24 * 3600_000);
    const again = await signInWithPassword(browser, customer);
    expect(again.body.status).toBe('second_factor_required');
    server.clock.advance(61_000);
    expect((await passChallengeBySms(server, browser, again.body.challenge.id, customer.phone!)).body.status).toBe('signed_in');
    await browser.post('/api/v1/logout');
    // Renewed by the sign-in that proved the factor.
    expect((await signInWithPassword(browser, customer)).body.status).toBe('signed_in');
  });
});
