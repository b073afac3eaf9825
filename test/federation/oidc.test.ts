import { beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { useTestServer, type TestServerOptions } from '../support/harness.js';
import { createCustomer, latestCode, signedInWithSms, type TestCustomer } from '../support/flows.js';
import { authorizationUrl, Browser, discover, exchange, issuerOf, oidcServerOptions, registerClient, uidOf } from './support/relying-party.js';

// Kabuto as an OpenID Provider, driven by a real relying party (openid-client) over HTTP: discovery,
// authorization code with PKCE, Kabuto's own sign-in with an SMS code, the acr and amr that follow.

let options: TestServerOptions;
beforeAll(async () => {
  options = await oidcServerOptions();
});
const server = useTestServer(() => options, { per: 'suite' });

/** Signs the browser in to Kabuto with the password and an SMS code (2FA on). */
async function signInBySms(browser: Browser, customer: TestCustomer) {
  const login = await browser.api('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  expect(login.body.status).toBe('second_factor_required');
  const challenge = login.body.challenge;
  expect(challenge.methods).toContainEqual({ type: 'sms', phoneLast4: customer.phone!.replace(/-/g, '').slice(-4) });
  expect((await browser.api('POST', `/api/v1/challenges/${challenge.id}/sms`, {})).status).toBe(200);
  const verified = await browser.api('POST', `/api/v1/challenges/${challenge.id}/verify`, { method: 'sms', code: await latestCode(server, customer.phone!) });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  expect(verified.body.status).toBe('signed_in');
}

/** Continues the interactions (sign-in, consent) until the browser is back at the relying party. */
async function continueToRelyingParty(browser: Browser, page: URL): Promise<URL> {
  let current = page;
  for (let step = 0; step < 4 && current.pathname.startsWith('/federation/'); step++) {
    const uid = uidOf(current);
    const details = await browser.api('GET', `/api/v1/federation/interactions/${uid}/details`);
    expect(details.status, JSON.stringify(details.body)).toBe(200);
    const next = await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    current = await browser.navigate(next.body.redirectTo);
  }
  return current;
}

describe('discovery', () => {
  it('passes openid-client\'s own validation and names Kabuto\'s acr values, PKCE S256 and the client methods', async () => {
    const client = await registerClient(server);
    const config = await discover(server, client);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(issuerOf(server));
    expect(metadata.acr_values_supported).toEqual(['urn:kabuto:acr:pwd', 'urn:kabuto:acr:2fa', 'urn:kabuto:acr:phr']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'private_key_jwt']));
    expect(metadata.authorization_details_types_supported).toEqual(['withdrawal']);
    expect(metadata.backchannel_logout_supported).toBe(true);
    expect(metadata.end_session_endpoint).toBe(`${issuerOf(server)}/session/end`);
    const jwks = await (await fetch(metadata.jwks_uri!)).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('is off unless configured: no /oidc without KABUTO_OIDC_ISSUER', async () => {
    const { withTestServer } = await import('../support/harness.js');
    await withTestServer({}, async (plain) => {
      expect((await fetch(`${plain.url}/oidc/.well-known/openid-configuration`)).status).toBe(404);
    });
  });
});

describe('authorization code with PKCE, signed in with an SMS code', () => {
  it('gives the relying party an ID token with acr 2fa and amr pwd+sms+mfa, and refresh tokens that rotate', async () => {
    const { customer } = await signedInWithSms(server, await createCustomer(server), 'login');
    const client = await registerClient(server);
    const config = await discover(server, client);
    const authorization = await authorizationUrl(config, client, { scope: 'openid offline_access', prompt: 'consent' });
    const browser = new Browser(server.url);
    const page = await browser.navigate(authorization.url.href);
    const uid = uidOf(page);
    const details = await browser.api('GET', `/api/v1/federation/interactions/${uid}/details`);
    // Not signed in: the interaction routes refuse until Kabuto's own sign-in is done.
    expect(details.status).toBe(401);
    expect((await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {})).status).toBe(401);
    await signInBySms(browser, customer);
    const signedIn = await browser.api('GET', `/api/v1/federation/interactions/${uid}/details`);
    expect(signedIn.body).toMatchObject({ prompt: 'login', client: { name: 'トレードサイト' }, acr: null, withdrawal: null });
    const callback = await continueToRelyingParty(browser, page);
    expect(callback.origin + callback.pathname).toBe(client.redirectUri);

    const tokens = await exchange(config, callback, authorization);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(issuerOf(server));
    expect(claims.acr).toBe('urn:kabuto:acr:2fa');
    expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'sms', 'mfa']));
    expect(typeof claims.auth_time).toBe('number');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo.sub).toBe(claims.sub);

    // Refresh with rotation: the new refresh token works, the old one is refused afterwards.
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Reusing a rotated refresh token revokes the whole grant (the library's reuse detection).
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a password-only session gets acr pwd; asked for 2fa it gets an SMS step-up on the same session, not a new sign-in', async () => {
    const customer = await createCustomer(server);
    const client = await registerClient(server);
    const config = await discover(server, client);
    const browser = new Browser(server.url);
    const login = await browser.api('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password });
    expect(login.body.status).toBe('signed_in');

    const plain = await authorizationUrl(config, client);
    const callback = await continueToRelyingParty(browser, await browser.navigate(plain.url.href));
    const first = await exchange(config, callback, plain);
    expect(first.claims()!.acr).toBe('urn:kabuto:acr:pwd');
    expect(first.claims()!.amr).toEqual(['pwd']);

    const stronger = await authorizationUrl(config, client, { acr_values: 'urn:kabuto:acr:2fa' });
    const page = await browser.navigate(stronger.url.href);
    const uid = uidOf(page);
    const asked = await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
    expect(asked.status, JSON.stringify(asked.body)).toBe(403);
    expect(asked.body.error).toBe('step_up_required');
    const challenge = asked.body.challenge;
    expect(challenge.summary).toBe('ログイン（トレードサイト）');
    expect((await browser.api('POST', `/api/v1/challenges/${challenge.id}/sms`, {})).status).toBe(200);
    const sms = await latestCode(server, customer.phone!);
    const sessionBefore = browser.cookies.get('kabuto_session')!.split('.')[0];
    const done = await browser.api('POST', `/api/v1/federation/interactions/${uid}/verify`, { challengeId: challenge.id, method: 'sms', code: sms });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    // The same session (its token rotated after the step-up), not a new sign-in: no password was asked.
    expect(browser.cookies.get('kabuto_session')!.split('.')[0]).not.toBe(sessionBefore);
    const back = await continueToRelyingParty(browser, await browser.navigate(done.body.redirectTo));
    const second = await exchange(config, back, stronger);
    expect(second.claims()!.acr).toBe('urn:kabuto:acr:2fa');
    expect(second.claims()!.amr).toEqual(expect.arrayContaining(['pwd', 'sms', 'mfa']));
    expect(second.claims()!.sub).toBe(first.claims()!.sub);
  });

  it('max_age: an authentication older than asked is refreshed by a step-up', async () => {
    const customer = await createCustomer(server);
    const client = await registerClient(server);
    const config = await discover(server, client);
    const browser = new Browser(server.url);
    expect((await browser.api('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password })).body.status).toBe('signed_in');
    server.clock.advance(10 * 60 * 1000);
    const request = await authorizationUrl(config, client, { max_age: '300' });
    const uid = uidOf(await browser.navigate(request.url.href));
    const asked = await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
    expect(asked.status, JSON.stringify(asked.body)).toBe(403);
    expect(asked.body.error).toBe('step_up_required');
  });

  it('the interaction routes refuse another browser (the interaction cookie) and a declined request reaches the relying party as access_denied', async () => {
    const customer = await createCustomer(server);
    const client = await registerClient(server);
    const config = await discover(server, client);
    const browser = new Browser(server.url);
    const request = await authorizationUrl(config, client);
    const uid = uidOf(await browser.navigate(request.url.href));
    const stranger = new Browser(server.url);
    expect((await stranger.api('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password })).status).toBe(200);
    const stolen = await stranger.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
    expect(stolen.status).toBe(404);
    expect(stolen.body.error).toBe('interaction_not_found');

    // The customer signs in, reads the request, and declines it.
    expect((await browser.api('POST', `/api/v1/federation/interactions/${uid}/abort`, {})).status).toBe(401);
    expect((await browser.api('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password })).status).toBe(200);
    const declined = await browser.api('POST', `/api/v1/federation/interactions/${uid}/abort`, {});
    expect(declined.status).toBe(200);
    const callback = await browser.navigate(declined.body.redirectTo);
    expect(callback.searchParams.get('error')).toBe('access_denied');
  });
});
