import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, enableSms, latestCode, signInWithPassword } from '../support/flows.js';

describe('the seed flow: SMS two-factor sign-in, end to end', () => {
  const server = useTestServer();

  it('enables SMS with scope all, signs out, and signs in again with a code', async () => {
    const customer = await createCustomer(server);
    const browser = server.client();

    const first = await signInWithPassword(browser, customer);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('signed_in');
    expect(first.body.customer.mfa).toEqual({ method: 'none', scope: 'all', requiredByPolicy: false });

    const settings = await enableSms(server, browser, customer, 'all');
    expect(settings).toMatchObject({ method: 'sms', scope: 'all', requiredByPolicy: false });
    expect((await browser.get('/api/v1/me')).body.phone).toEqual({ last4: customer.phone!.slice(-4), type: 'mobile', verified: true });

    expect((await browser.post('/api/v1/logout')).status).toBe(204);
    expect((await browser.get('/api/v1/me')).status).toBe(401);

    const login = await signInWithPassword(browser, customer);
    expect(login.status).toBe(200);
    expect(login.body.status).toBe('second_factor_required');
    expect(browser.sessionCookie).toBeUndefined();
    const challenge = login.body.challenge;
    expect(challenge).toMatchObject({ purpose: 'login', methods: [{ type: 'sms', phoneLast4: customer.phone!.slice(-4) }] });
    expect((await browser.get('/api/v1/me')).status).toBe(401);

    const sent = await browser.post(`/api/v1/challenges/${challenge.id}/sms`);
    expect(sent.status).toBe(200);
    expect(sent.body.phoneLast4).toBe(customer.phone!.slice(-4));
    const code = await latestCode(server, customer.phone!);

    const verified = await browser.post(`/api/v1/challenges/${challenge.id}/verify`, { method: 'sms', code });
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('signed_in');
    expect(verified.body.customer.loginId).toBe(customer.loginId);
    expect((await browser.get('/api/v1/me')).status).toBe(200);
  });
});
