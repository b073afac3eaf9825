import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { useTestServer, type TestServerOptions } from '../support/harness.js';
import { createCustomer, type TestCustomer } from '../support/flows.js';
import {
  authorizationUrl,
  Browser,
  decodeJwt,
  discover,
  eventually,
  exchange,
  headerOf,
  issuerOf,
  logoutReceiver,
  oidcServerOptions,
  registerClient,
  uidOf,
  type RegisteredClient,
} from './support/relying-party.js';

// Single logout (a Kabuto session that ends sends logout tokens to the relying parties it signed in to),
// RP-initiated logout, JWKS rotation, and a private_key_jwt client.

let options: TestServerOptions;
let receiver: Awaited<ReturnType<typeof logoutReceiver>>;
beforeAll(async () => {
  options = await oidcServerOptions();
  receiver = await logoutReceiver();
});
afterAll(async () => receiver.close());
const server = useTestServer(() => options, { per: 'suite' });

async function signIn(browser: Browser, customer: TestCustomer) {
  const login = await browser.api('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password });
  expect(login.body.status).toBe('signed_in');
}

async function authorize(browser: Browser, config: oidc.Configuration, rp: RegisteredClient, parameters: Record<string, string> = {}) {
  const authorization = await authorizationUrl(config, rp, parameters);
  let page = await browser.navigate(authorization.url.href);
  while (page.pathname.startsWith('/federation/')) {
    const next = await browser.api('POST', `/api/v1/federation/interactions/${uidOf(page)}/continue`, {});
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    page = await browser.navigate(next.body.redirectTo);
  }
  return exchange(config, page, authorization);
}

/** RS256 verified against the provider's published JWKS. */
async function verifiedWithJwks(token: string): Promise<boolean> {
  const jwks = (await (await fetch(`${issuerOf(server)}/jwks`)).json()) as { keys: Array<Record<string, string>> };
  const key = jwks.keys.find((k) => k.kid === headerOf(token).kid);
  if (!key) return false;
  const [header, payload, signature] = token.split('.');
  return verify('sha256', Buffer.from(`${header}.${payload}`), createPublicKey({ key, format: 'jwk' }), Buffer.from(signature!, 'base64url'));
}

describe('back-channel logout', () => {
  it('a Kabuto sign-out sends the relying party a logout token for that session, and its tokens stop working', async () => {
    const customer = await createCustomer(server);
    const rp = await registerClient(server, { backchannelLogoutUri: receiver.url });
    const config = await discover(server, rp);
    const browser = new Browser(server.url);
    await signIn(browser, customer);
    const tokens = await authorize(browser, config, rp, { scope: 'openid offline_access', prompt: 'consent' });
    const idToken = tokens.claims()!;
    const before = receiver.tokens.length;
    expect((await browser.api('POST', '/api/v1/logout', {})).status).toBe(204);
    await eventually(() => receiver.tokens.length > before, 'a logout token at the relying party');
    const logoutToken = receiver.tokens.at(-1)!;
    expect(await verifiedWithJwks(logoutToken)).toBe(true);
    const claims = decodeJwt(logoutToken);
    expect(claims).toMatchObject({ iss: issuerOf(server), aud: rp.clientId, sub: idToken.sub, sid: idToken.sid });
    expect(claims.events).toHaveProperty(['http://schemas.openid.net/event/backchannel-logout']);
    expect(headerOf(logoutToken).typ).toBe('logout+jwt');
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('an operator ending every session of the customer reaches the relying party too', async () => {
    const customer = await createCustomer(server);
    const rp = await registerClient(server, { backchannelLogoutUri: receiver.url });
    const config = await discover(server, rp);
    const browser = new Browser(server.url);
    await signIn(browser, customer);
    const tokens = await authorize(browser, config, rp);
    const before = receiver.tokens.filter((t) => decodeJwt(t).sid === tokens.claims()!.sid).length;
    expect(before).toBe(0);
    // The operator's reset ends every session (the same revocation as a freeze or a password change elsewhere).
    const { endAllSessions } = await import('../../src/domain/sessions/sessions.js');
    const found = await server.kabuto.deps.store.customers.findByLoginId(customer.loginId);
    await endAllSessions(server.kabuto.deps, found!.id);
    await eventually(() => receiver.tokens.some((t) => decodeJwt(t).sid === tokens.claims()!.sid), 'a logout token for the revoked session');
  });

  it('a relying party that refuses the logout token at first gets it again, with back-off, from the table of pending notices', async () => {
    // A receiver that answers 503 the first time, then takes the token.
    const received: string[] = [];
    let calls = 0;
    const flaky = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        calls += 1;
        if (calls === 1) return void response.writeHead(503).end();
        received.push(new URLSearchParams(body).get('logout_token') ?? '');
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    try {
      const address = flaky.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/backchannel-logout`;
      const customer = await createCustomer(server);
      const rp = await registerClient(server, { backchannelLogoutUri: url });
      const config = await discover(server, rp);
      const browser = new Browser(server.url);
      await signIn(browser, customer);
      const tokens = await authorize(browser, config, rp);
      expect((await browser.api('POST', '/api/v1/logout', {})).status).toBe(204);
      await eventually(() => calls === 1, 'the first attempt');
      // Refused: written down in the database, due again after the back-off (5 s ±20 %), not before.
      const notices = server.kabuto.federation.logoutNotices;
      await eventually(async () => (await notices.list()).some((n) => n.clientId === rp.clientId && n.attempts === 1), 'the notice kept for a retry');
      const [pending] = (await notices.list()).filter((n) => n.clientId === rp.clientId);
      expect(pending).toMatchObject({ status: 'pending', sid: tokens.claims()!.sid, lastError: expect.stringContaining('503') });
      expect(pending!.nextAttemptAt - server.clock.now()).toBeGreaterThanOrEqual(3_900);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(calls).toBe(1);
      server.clock.advance(6_500);
      await eventually(() => received.length === 1, 'the logout token on the retry');
      expect(decodeJwt(received[0]!)).toMatchObject({ aud: rp.clientId, sid: tokens.claims()!.sid });
      expect(await verifiedWithJwks(received[0]!)).toBe(true);
      await eventually(async () => !(await notices.list()).some((n) => n.clientId === rp.clientId), 'the delivered notice gone');
      expect(calls).toBe(2);
    } finally {
      await new Promise((resolve) => flaky.close(() => resolve(undefined)));
    }
  });

  it('a notice written down before a restart (found in the table, not in this process) is delivered by the sweep', async () => {
    const rp = await registerClient(server, { backchannelLogoutUri: receiver.url });
    const { queueLogoutNotice } = await import('../../src/domain/federation/logout-notices.js');
    // As the previous process left it: the first attempt failed, the retry due in the past.
    await queueLogoutNotice(server.kabuto.deps, server.kabuto.federation.logoutNotices, { clientId: rp.clientId, sub: 'sub-before-restart', sid: 'sid-before-restart' }, 'connection reset');
    server.clock.advance(10_000);
    await eventually(() => receiver.tokens.some((t) => decodeJwt(t).sid === 'sid-before-restart'), 'the logout token after the restart');
    expect(receiver.tokens.filter((t) => decodeJwt(t).sid === 'sid-before-restart')).toHaveLength(1);
  });

  it('a dead notice is listed for the security desk, sent again on retry (and delivered), or dropped; both audited', async () => {
    const rp = await registerClient(server, { backchannelLogoutUri: receiver.url });
    const notices = server.kabuto.federation.logoutNotices;
    const { queueLogoutNotice } = await import('../../src/domain/federation/logout-notices.js');
    // Two notices as the sweep leaves them after the last attempt: dead (written as failed the tenth time).
    for (const sid of ['sid-dead-retried', 'sid-dead-dropped']) {
      await queueLogoutNotice(server.kabuto.deps, notices, { clientId: rp.clientId, sub: 'sub-dead', sid }, 'connection refused');
      const queued = (await notices.list()).find((n) => n.sid === sid)!;
      await notices.failed(queued.id, 10, null, 'connection refused');
    }
    const admin = server.admin();
    const listed = (await admin.get('/api/admin/v1/oidc/logout-notices')).body.notices as Array<{ id: string; sid: string; status: string; attempts: number; nextAttemptAt: string | null }>;
    const retried = listed.find((n) => n.sid === 'sid-dead-retried')!;
    const dropped = listed.find((n) => n.sid === 'sid-dead-dropped')!;
    expect(retried).toMatchObject({ status: 'dead', attempts: 10, nextAttemptAt: null });
    // The list is bounded and can be narrowed to the dead ones: oldest first, at most `limit`.
    const dead = (await admin.get('/api/admin/v1/oidc/logout-notices?status=dead')).body.notices as Array<{ id: string; status: string }>;
    expect(dead.length).toBeGreaterThanOrEqual(2);
    expect(dead.every((n) => n.status === 'dead')).toBe(true);
    const first = await admin.get('/api/admin/v1/oidc/logout-notices?status=dead&limit=1');
    expect(first.body.notices).toEqual([dead[0]]);
    expect((await admin.get('/api/admin/v1/oidc/logout-notices?status=dead&limit=0')).body.notices).toEqual([dead[0]]);
    expect((await admin.get('/api/admin/v1/oidc/logout-notices?limit=many')).status).toBe(400);
    expect((await admin.get('/api/admin/v1/oidc/logout-notices?status=gone')).status).toBe(400);

    // Sent again from its first attempt: delivered by the next sweep.
    expect((await admin.post(`/api/admin/v1/oidc/logout-notices/${retried.id}/retry`, {})).body).toEqual({ status: 'pending' });
    expect((await admin.post(`/api/admin/v1/oidc/logout-notices/${retried.id}/retry`, {})).status).toBe(404);
    server.clock.advance(1_000);
    await eventually(() => receiver.tokens.some((t) => decodeJwt(t).sid === 'sid-dead-retried'), 'the revived notice delivered');
    // Dropped: gone; a pending or unknown notice is not dropped.
    expect((await admin.request('DELETE', `/api/admin/v1/oidc/logout-notices/${dropped.id}`)).body).toEqual({ status: 'dropped' });
    expect((await admin.request('DELETE', `/api/admin/v1/oidc/logout-notices/${dropped.id}`)).status).toBe(404);
    expect((await notices.list()).some((n) => n.sid === 'sid-dead-dropped')).toBe(false);
    const trail = await server.kabuto.deps.store.audit.listAll(0, 10_000);
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['oidc_logout_revived', 'oidc_logout_dropped']));
  });

  it('RP-initiated logout ends the provider session and the Kabuto session of that browser', async () => {
    const customer = await createCustomer(server);
    const rp = await registerClient(server, { postLogoutRedirectUris: ['http://127.0.0.1:9/signed-out'] });
    const config = await discover(server, rp);
    const browser = new Browser(server.url);
    await signIn(browser, customer);
    const tokens = await authorize(browser, config, rp);
    const end = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out' });
    const confirm = await fetch(end, { redirect: 'manual', headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    expect(xsrf).toBeTruthy();
    const done = await fetch(`${issuerOf(server)}/session/end/confirm`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }),
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:9\/signed-out/);
    await eventually(async () => (await browser.api('GET', '/api/v1/me')).status === 401, 'the Kabuto session ended');
  });
});

describe('signing keys', () => {
  it('a rotated key is published before it signs; the old one stays published for tokens it signed', async () => {
    const customer = await createCustomer(server);
    const rp = await registerClient(server);
    const config = await discover(server, rp);
    const browser = new Browser(server.url);
    await signIn(browser, customer);
    const first = await authorize(browser, config, rp);
    const oldKid = headerOf(first.id_token!).kid;

    const rotated = await server.admin().post('/api/admin/v1/oidc/keys/rotate', { publishSeconds: 3600, keepSeconds: 86_400 });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(201);
    const newKid = rotated.body.kid;
    expect(newKid).not.toBe(oldKid);
    const published = (await (await fetch(`${issuerOf(server)}/jwks`)).json()).keys.map((k: { kid: string }) => k.kid);
    expect(published).toEqual(expect.arrayContaining([oldKid, newKid]));
    // Published, not yet signing.
    const second = await authorize(browser, config, rp);
    expect(headerOf(second.id_token!).kid).toBe(oldKid);

    server.clock.advance(3601 * 1000);
    const again = new Browser(server.url);
    await signIn(again, customer);
    const third = await authorize(again, config, rp);
    expect(headerOf(third.id_token!).kid).toBe(newKid);
    expect(await verifiedWithJwks(third.id_token!)).toBe(true);
    // The old key still verifies what it signed.
    expect(await verifiedWithJwks(first.id_token!)).toBe(true);
    const keys = await server.admin().get('/api/admin/v1/oidc/keys');
    expect(keys.body.keys.map((k: { kid: string; state: string }) => [k.kid, k.state])).toEqual(expect.arrayContaining([[oldKid, 'retired'], [newKid, 'signing']]));

    // Past the keeping time the old key leaves the JWKS.
    server.clock.advance(86_401 * 1000);
    await server.admin().post('/api/admin/v1/oidc/keys/rotate', { publishSeconds: 3600 });
    const later = (await (await fetch(`${issuerOf(server)}/jwks`)).json()).keys.map((k: { kid: string }) => k.kid);
    expect(later).not.toContain(oldKid);
    expect(later).toContain(newKid);
  });

  it('private keys are sealed at rest', async () => {
    const rows = await server.kabuto.federation.keys.list();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.sealedPrivateJwk).toMatch(/^v1\./);
      expect(row.sealedPrivateJwk).not.toContain('"d"');
      expect(row.publicJwk).not.toHaveProperty('d');
    }
  });
});

describe('clients', () => {
  it('a private_key_jwt client authenticates with its own key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'rp-key-1', alg: 'ES256', use: 'sig' };
    const rp = await registerClient(server, { authMethod: 'private_key_jwt', jwks: { keys: [jwk] } });
    expect(rp.clientSecret).toBeUndefined();
    const cryptoKey = await crypto.subtle.importKey('pkcs8', privateKey.export({ format: 'der', type: 'pkcs8' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const config = await discover(server, rp, oidc.PrivateKeyJwt({ key: cryptoKey, kid: 'rp-key-1' }));
    const customer = await createCustomer(server);
    const browser = new Browser(server.url);
    await signIn(browser, customer);
    const tokens = await authorize(browser, config, rp);
    expect(tokens.claims()!.aud).toBe(rp.clientId);
    // A secret is not accepted for it.
    const wrong = await discover(server, { ...rp, clientSecret: 'guess' });
    await expect(oidc.refreshTokenGrant(wrong, 'x')).rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: 'invalid_client' } }] });
  });

  it('registration refuses http redirect URIs other than loopback, private keys in jwks, and unknown detail types', async () => {
    const bad = [
      { redirectUris: ['http://evil.example/cb'] },
      { redirectUris: ['https://rp.example/cb#frag'] },
      { authMethod: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] } },
      { authMethod: 'private_key_jwt' },
      { authorizationDetailsTypes: ['payment'] },
    ];
    for (const input of bad) {
      const response = await server.admin().post('/api/admin/v1/oidc/clients', { name: 'x', authMethod: 'client_secret_basic', redirectUris: ['https://rp.example/cb'], ...input });
      expect(response.status, JSON.stringify(input)).toBe(400);
    }
    const listed = await server.admin().get('/api/admin/v1/oidc/clients');
    expect(listed.status).toBe(200);
    for (const client of listed.body.clients) {
      expect(client).not.toHaveProperty('client_secret');
      expect(client).not.toHaveProperty('client_secret_sealed');
    }
    expect((await server.client().post('/api/admin/v1/oidc/clients', {})).status).toBe(401);
  });
});
