import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer, type TestServerOptions } from '../support/harness.js';
import { createCustomer, latestCode, signedInWithSms } from '../support/flows.js';
import { newAuthenticator, registerPasskey } from '../factors/support/factor-flows.js';
import { authorizationUrl, Browser, discover, exchange, oidcServerOptions, registerClient, uidOf } from './support/relying-party.js';

// acr_values asking for phishing resistance (urn:kabuto:acr:phr): answered by a passkey on the session
// the browser already has, refused to an SMS code, refused outright to a customer with no passkey.

let options: TestServerOptions;
beforeAll(async () => {
  options = await oidcServerOptions();
});
const server = useTestServer(() => options, { per: 'suite' });

const PHR = 'urn:kabuto:acr:phr';

/** A browser signed in to Kabuto by password (SMS 2FA at login), at the provider's sign-in page for `acr_values=phr`. */
async function atPhishingResistantRequest(withPasskey: boolean) {
  const { customer, client: portal } = await signedInWithSms(server, await createCustomer(server), 'login');
  const authenticator = newAuthenticator(server);
  if (withPasskey) await registerPasskey(server, portal, customer, authenticator);
  const rp = await registerClient(server);
  const config = await discover(server, rp);
  const browser = new Browser(server.url);
  const login = await browser.api('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password });
  expect(login.body.status).toBe('second_factor_required');
  const challengeId = login.body.challenge.id;
  expect((await browser.api('POST', `/api/v1/challenges/${challengeId}/sms`, {})).status).toBe(200);
  const verified = await browser.api('POST', `/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code: await latestCode(server, customer.phone!) });
  expect(verified.body.status).toBe('signed_in');
  const authorization = await authorizationUrl(config, rp, { acr_values: PHR });
  const uid = uidOf(await browser.navigate(authorization.url.href));
  return { customer, authenticator, browser, uid, config, rp, authorization };
}

describe('acr_values urn:kabuto:acr:phr', () => {
  it('is answered by a passkey on the existing session: acr phr, amr with hwk', async () => {
    const { authenticator, browser, uid, config, authorization } = await atPhishingResistantRequest(true);
    const asked = await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
    expect(asked.status, JSON.stringify(asked.body)).toBe(403);
    expect(asked.body.error).toBe('step_up_required');
    // The passkey alone is offered: no SMS, no app code.
    expect(asked.body.challenge.methods).toEqual([{ type: 'passkey' }]);
    const challengeId = asked.body.challenge.id;
    const passkeyOptions = await browser.api('POST', `/api/v1/challenges/${challengeId}/passkey-options`, {});
    expect(passkeyOptions.status, JSON.stringify(passkeyOptions.body)).toBe(200);
    const done = await browser.api('POST', `/api/v1/federation/interactions/${uid}/verify`, { challengeId, method: 'passkey', response: authenticator.assert(passkeyOptions.body) });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    let page = await browser.navigate(done.body.redirectTo);
    // Consent for a new client, then back at the relying party.
    while (page.pathname.startsWith('/federation/')) {
      const next = await browser.api('POST', `/api/v1/federation/interactions/${uidOf(page)}/continue`, {});
      expect(next.status, JSON.stringify(next.body)).toBe(200);
      page = await browser.navigate(next.body.redirectTo);
    }
    const tokens = await exchange(config, page, authorization);
    expect(tokens.claims()!.acr).toBe(PHR);
    expect(tokens.claims()!.amr).toEqual(expect.arrayContaining(['hwk', 'user', 'mfa']));
  });

  it('is refused to an SMS code (phishing_resistant_required), and no SMS is even offered', async () => {
    const { browser, uid } = await atPhishingResistantRequest(true);
    const asked = await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
    expect(asked.body.error).toBe('step_up_required');
    const challengeId = asked.body.challenge.id;
    const relayed = await browser.api('POST', `/api/v1/federation/interactions/${uid}/verify`, { challengeId, method: 'sms', code: '123456' });
    expect(relayed.status).toBe(403);
    expect(relayed.body.error).toBe('phishing_resistant_required');
    // The interaction is not finished: the relying party got nothing.
    expect((await browser.api('GET', `/api/v1/federation/interactions/${uid}/details`)).body.prompt).toBe('login');
  });

  it('is refused outright to a customer without a passkey (an SMS session stays acr 2fa)', async () => {
    const { browser, uid } = await atPhishingResistantRequest(false);
    const asked = await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
    expect(asked.status).toBe(403);
    expect(asked.body.error).toBe('phishing_resistant_required');
  });

  it('a session signed in with a passkey already is phishing resistant: no step-up', async () => {
    const { customer, client: portal } = await signedInWithSms(server, await createCustomer(server), 'login');
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, portal, customer, authenticator);
    const rp = await registerClient(server);
    const config = await discover(server, rp);
    const browser = new Browser(server.url);
    const passkeyOptions = await browser.api('POST', '/api/v1/login/passkey-options', {});
    const login = await browser.api('POST', '/api/v1/login/passkey', { response: authenticator.assert(passkeyOptions.body) });
    expect(login.body.status, JSON.stringify(login.body)).toBe('signed_in');
    const authorization = await authorizationUrl(config, rp, { acr_values: PHR });
    let page = await browser.navigate(authorization.url.href);
    while (page.pathname.startsWith('/federation/')) {
      const next = await browser.api('POST', `/api/v1/federation/interactions/${uidOf(page)}/continue`, {});
      expect(next.status, JSON.stringify(next.body)).toBe(200);
      page = await browser.navigate(next.body.redirectTo);
    }
    const tokens = await exchange(config, page, authorization);
    expect(tokens.claims()!.acr).toBe(PHR);
  });
});
