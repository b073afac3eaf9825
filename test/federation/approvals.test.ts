import { beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { useTestServer, withTestServer, type TestServerOptions } from '../support/harness.js';
import { createCustomer, e164, latestCode, outbox, signedInWithSms, type TestCustomer } from '../support/flows.js';
import { BANK, newAuthenticator, registerPasskey } from '../factors/support/factor-flows.js';
import { recordAudit } from '../../src/domain/kernel/audit.js';
import { authorizationUrl, Browser, discover, exchange, oidcServerOptions, registerClient, uidOf, type RegisteredClient } from './support/relying-party.js';

// Transaction approval for another back end (RFC 9396): a withdrawal of 50,000 yen approved with the same
// step-up as Kabuto's own withdrawals (the challenge screen and the SMS say 出金 50,000円), carried by the
// access token, redeemed once, for that amount only.

let options: TestServerOptions;
beforeAll(async () => {
  options = await oidcServerOptions();
});
const server = useTestServer(() => options, { per: 'suite' });

const withdrawal = (amount: number, accountNumber = BANK.accountNumber) => [{ type: 'withdrawal', amount, currency: 'JPY', bankAccount: { accountNumber } }];

async function approvalRequest(amount: number, accountNumber?: string, cash?: number) {
  const customer = await createCustomer(server, { bankAccount: BANK, ...(cash !== undefined ? { cash } : {}) });
  const rp = await registerClient(server, { authorizationDetailsTypes: ['withdrawal'] });
  const config = await discover(server, rp);
  const browser = new Browser(server.url);
  expect((await browser.api('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password })).body.status).toBe('signed_in');
  const authorization = await authorizationUrl(config, rp, { authorization_details: JSON.stringify(withdrawal(amount, accountNumber)) });
  let page = await browser.navigate(authorization.url.href);
  if (!page.pathname.startsWith('/federation/')) throw new Error(`expected the sign-in page, reached ${page.href}`);
  // The sign-in step (the Kabuto session answers it), then the approval.
  const details = await browser.api('GET', `/api/v1/federation/interactions/${uidOf(page)}/details`);
  if (details.body.prompt === 'login') {
    const next = await browser.api('POST', `/api/v1/federation/interactions/${uidOf(page)}/continue`, {});
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    page = await browser.navigate(next.body.redirectTo);
  }
  if (!page.pathname.startsWith('/federation/')) throw new Error(`expected the approval page, reached ${page.href}`);
  return { customer, rp, config, browser, authorization, uid: uidOf(page) };
}

/** Approves by SMS: the challenge, the code, the verification; back at the relying party. */
async function approveBySms(browser: Browser, uid: string, customer: TestCustomer) {
  const asked = await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
  expect(asked.status, JSON.stringify(asked.body)).toBe(403);
  expect(asked.body.error).toBe('step_up_required');
  const challenge = asked.body.challenge;
  expect((await browser.api('POST', `/api/v1/challenges/${challenge.id}/sms`, {})).status).toBe(200);
  const done = await browser.api('POST', `/api/v1/federation/interactions/${uid}/verify`, { challengeId: challenge.id, method: 'sms', code: await latestCode(server, customer.phone!) });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return { challenge, callback: await browser.navigate(done.body.redirectTo) };
}

async function redeem(token: string, body: unknown) {
  const response = await fetch(`${server.url}/oidc/approvals/redeem`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('a withdrawal approved for a relying party', () => {
  it('shows the content on the challenge and in the SMS as Kabuto\'s own withdrawals do; the token carries the amount', async () => {
    const { customer, config, browser, authorization, uid } = await approvalRequest(50_000);
    const details = await browser.api('GET', `/api/v1/federation/interactions/${uid}/details`);
    expect(details.body).toMatchObject({ prompt: 'consent', withdrawal: { amount: 50_000, currency: 'JPY', bankAccountLast4: '4567' } });
    const { challenge, callback } = await approveBySms(browser, uid, customer);
    expect(challenge.summary).toBe('出金 50,000円');
    const sms = (await outbox(server, e164(customer.phone!))).find((message) => message.body.includes('確認コード'));
    expect(sms?.body).toContain('出金 50,000円の確認コード');

    // The customer is told, link-free, by e-mail through the durable outbox.
    await server.kabuto.notices.deliverDue();
    const mail = (await outbox(server, customer.email)).find((message) => message.subject?.includes('連携サービスへの出金承認'));
    expect(mail?.body).toContain('トレードサイト に、出金 50,000円（口座末尾 4567）を承認しました。');
    const tokens = await exchange(config, callback, authorization);
    expect(tokens.authorization_details).toEqual([{ type: 'withdrawal', amount: 50_000, currency: 'JPY', bankAccount: { accountNumber: BANK.accountNumber } }]);
    // One operation: no refresh token rides an approval.
    expect(tokens.refresh_token).toBeUndefined();
    const introspection = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(introspection.active).toBe(true);
    expect(introspection.authorization_details).toEqual(tokens.authorization_details);
  });

  it('is redeemed once, for that amount only', async () => {
    const { customer, config, browser, authorization, uid } = await approvalRequest(50_000);
    const { callback } = await approveBySms(browser, uid, customer);
    const tokens = await exchange(config, callback, authorization);
    const other = await redeem(tokens.access_token, { type: 'withdrawal', amount: 500_000 });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ error: 'approval_mismatch', field: 'amount' });
    const first = await redeem(tokens.access_token, { type: 'withdrawal', amount: 50_000 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'redeemed', approved: { amount: 50_000 }, sub: expect.any(String) });
    const replayed = await redeem(tokens.access_token, { type: 'withdrawal', amount: 50_000 });
    expect(replayed.status).toBe(409);
    expect(replayed.body.error).toBe('approval_used');
    expect((await redeem('not-a-token', { type: 'withdrawal', amount: 50_000 })).status).toBe(401);
  });

  it('50 redemptions at once: exactly one succeeds', async () => {
    const { customer, config, browser, authorization, uid } = await approvalRequest(12_345);
    const { callback } = await approveBySms(browser, uid, customer);
    const tokens = await exchange(config, callback, authorization);
    const results = await Promise.all(Array.from({ length: 50 }, () => redeem(tokens.access_token, { type: 'withdrawal', amount: 12_345 })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
  });

  it('a code verified for the approval cannot be reused, and an approval does not come back on a later sign-in', async () => {
    const { customer, rp, config, browser, authorization, uid } = await approvalRequest(30_000);
    const { challenge, callback } = await approveBySms(browser, uid, customer);
    await exchange(config, callback, authorization);
    // The same relying party signs the customer in again, without authorization_details: no approval in it.
    const again = await authorizationUrl(config, rp);
    let page = await browser.navigate(again.url.href);
    while (page.pathname.startsWith('/federation/')) {
      const next = await browser.api('POST', `/api/v1/federation/interactions/${uidOf(page)}/continue`, {});
      expect(next.status, JSON.stringify(next.body)).toBe(200);
      page = await browser.navigate(next.body.redirectTo);
    }
    const plain = await exchange(config, page, again);
    expect(plain.authorization_details).toBeUndefined();
    expect((await redeem(plain.access_token, { type: 'withdrawal', amount: 30_000 })).body.error).toBe('approval_mismatch');
    // The same authorization_details again: a new approval, a new step-up (the old challenge is spent).
    const twice = await authorizationUrl(config, rp, { authorization_details: JSON.stringify(withdrawal(30_000)) });
    const uid2 = uidOf(await browser.navigate(twice.url.href));
    const replay = await browser.api('POST', `/api/v1/federation/interactions/${uid2}/verify`, { challengeId: challenge.id, method: 'sms', code: '000000' });
    expect(replay.status).toBeGreaterThanOrEqual(400);
  });

  it('refuses an account that is not the customer\'s registered one, and details that are not integer yen', async () => {
    const { browser, uid } = await approvalRequest(10_000, '7654321');
    const refused = await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'approval_mismatch', field: 'bankAccount' });

    const rp: RegisteredClient = await registerClient(server, { authorizationDetailsTypes: ['withdrawal'] });
    const config = await discover(server, rp);
    for (const bad of [{ ...withdrawal(10.5)[0] }, { ...withdrawal(10_000)[0], currency: 'USD' }, { ...withdrawal(10_000)[0], extra: 1 }, { type: 'withdrawal', amount: 1 }]) {
      const request = await authorizationUrl(config, rp, { authorization_details: JSON.stringify([bad]) });
      const response = await fetch(request.url, { redirect: 'manual' });
      const location = new URL(response.headers.get('location') ?? 'http://x/', server.url);
      expect(location.searchParams.get('error'), JSON.stringify(bad)).toBe('invalid_authorization_details');
    }
  });

  it('passes the risk engine as the portal\'s withdrawal does: a factor and a contact changed, then most of the cash: refused here, held in the portal', async () => {
    const { customer, browser, uid } = await approvalRequest(950_000, undefined, 1_000_000);
    // What changed an hour earlier (seeded, as in test/risk: the changes' own flows are tested elsewhere).
    const { deps } = server.kabuto;
    const record = (await deps.store.customers.findByLoginId(customer.loginId))!;
    const anHourAgo = deps.clock.now() - 3_600_000;
    await deps.store.customers.update(record.id, { contactChangedAt: anHourAgo });
    await recordAudit({ store: deps.store, clock: { now: () => anHourAgo } }, record.id, 'totp_enrolled', {});

    const asked = await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
    expect(asked.body.error).toBe('step_up_required');
    expect((await browser.api('POST', `/api/v1/challenges/${asked.body.challenge.id}/sms`, {})).status).toBe(200);
    const refused = await browser.api('POST', `/api/v1/federation/interactions/${uid}/verify`, { challengeId: asked.body.challenge.id, method: 'sms', code: await latestCode(server, customer.phone!) });
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body.error).toBe('risk_refused');
    // Nothing approved: no audit entry, no notice of an approval; the decision is kept for operators.
    const audit = await deps.store.audit.listForCustomer(record.id, 50);
    expect(audit.map((e) => e.action)).not.toContain('oidc_withdrawal_approved');
    const decisions = await server.admin().get(`/api/admin/v1/risk/decisions?loginId=${customer.loginId}`);
    expect(decisions.body[0]).toMatchObject({ operation: 'withdrawal', outcome: 'hold', rule: 'withdrawal.change_then_withdraw' });
    // The relying party gets no code: the interaction is still open, the customer can only decline.
    const declined = await browser.api('POST', `/api/v1/federation/interactions/${uid}/abort`, {});
    expect((await browser.navigate(declined.body.redirectTo)).searchParams.get('error')).toBe('access_denied');

    // The same withdrawal in the portal, by the same customer in the same browser: held.
    const portal = await browser.api('POST', '/api/v1/withdrawals', { amount: 950_000, tradingPassword: customer.tradingPassword, idempotencyKey: 'risk-portal-1' });
    expect(portal.status, JSON.stringify(portal.body)).toBe(202);
    expect(portal.body).toMatchObject({ status: 'held', hold: { kind: 'withdrawal' } });
  });

  it('a customer\'s withdrawal freeze (取引制限) bars the approval, and the redemption of one given before it', async () => {
    const { customer, browser, uid } = await approvalRequest(30_000);
    expect((await browser.api('POST', '/api/v1/protection/freeze', { levels: ['withdrawals'] })).status).toBe(200);
    const barred = await browser.api('POST', `/api/v1/federation/interactions/${uid}/continue`, {});
    expect(barred.status, JSON.stringify(barred.body)).toBe(423);
    expect(barred.body).toMatchObject({ error: 'account_frozen', level: 'withdrawals' });

    // Approved before the freeze, redeemed after it: refused, and still unused.
    const second = await approvalRequest(40_000);
    const { callback } = await approveBySms(second.browser, second.uid, second.customer);
    const tokens = await exchange(second.config, callback, second.authorization);
    expect((await second.browser.api('POST', '/api/v1/protection/freeze', { levels: ['withdrawals'] })).status).toBe(200);
    const refused = await redeem(tokens.access_token, { type: 'withdrawal', amount: 40_000 });
    expect(refused.status, JSON.stringify(refused.body)).toBe(423);
    expect(refused.body).toMatchObject({ error: 'account_frozen', level: 'withdrawals' });
    const record = (await server.kabuto.deps.store.customers.findByLoginId(second.customer.loginId))!;
    expect((await server.kabuto.deps.store.audit.listForCustomer(record.id, 50)).map((e) => e.action)).not.toContain('oidc_approval_redeemed');
    void customer;
  });

  it('a freeze that commits while the redemption is judged bars it (the freeze is read again where the single use is written)', async () => {
    const second = await approvalRequest(45_000);
    const { callback } = await approveBySms(second.browser, second.uid, second.customer);
    const tokens = await exchange(second.config, callback, second.authorization);
    const record = (await server.kabuto.deps.store.customers.findByLoginId(second.customer.loginId))!;
    const protection = server.kabuto.deps.store.protection;
    const { freezeOf } = protection;
    // The customer freezes withdrawals just after the redemption's first look found none.
    protection.freezeOf = async (customerId) => {
      const seen = await freezeOf(customerId);
      if (customerId === record.id) await protection.freeze(customerId, ['withdrawals'], server.clock.now());
      return seen;
    };
    try {
      const refused = await redeem(tokens.access_token, { type: 'withdrawal', amount: 45_000 });
      expect(refused.status, JSON.stringify(refused.body)).toBe(423);
      expect(refused.body).toMatchObject({ error: 'account_frozen', level: 'withdrawals' });
    } finally {
      protection.freezeOf = freezeOf;
    }
    expect((await server.kabuto.deps.store.audit.listForCustomer(record.id, 50)).map((e) => e.action)).not.toContain('oidc_approval_redeemed');
  });

  it('a client not registered for withdrawals cannot ask for one', async () => {
    const rp = await registerClient(server);
    const config = await discover(server, rp);
    const request = await authorizationUrl(config, rp, { authorization_details: JSON.stringify(withdrawal(1_000)) });
    const response = await fetch(request.url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? 'http://x/', server.url);
    expect(location.searchParams.get('error')).toBe('invalid_authorization_details');
  });
});

describe('under the phishing-resistant policy for withdrawals', () => {
  it('an approval takes a passkey past its cooling-off, as Kabuto\'s own withdrawals do: a new passkey is refused with factor_cooling_off', async () => {
    await withTestServer(await oidcServerOptions({ env: { KABUTO_PHISHING_RESISTANT: 'withdrawal' } }), async (policed) => {
      const { customer, client: portal } = await signedInWithSms(policed, await createCustomer(policed, { bankAccount: BANK }), 'login');
      await registerPasskey(policed, portal, customer, newAuthenticator(policed));
      const registered = await policed.admin().post('/api/admin/v1/oidc/clients', { name: 'トレードサイト', authMethod: 'client_secret_basic', redirectUris: ['http://127.0.0.1:9/callback'], authorizationDetailsTypes: ['withdrawal'] });
      const rp: RegisteredClient = { clientId: registered.body.clientId, clientSecret: registered.body.clientSecret, redirectUri: 'http://127.0.0.1:9/callback' };
      const config = await discover(policed, rp);
      const browser = new Browser(policed.url);
      const login = await browser.api('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password });
      expect((await browser.api('POST', `/api/v1/challenges/${login.body.challenge.id}/sms`, {})).status).toBe(200);
      const verified = await browser.api('POST', `/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code: await latestCode(policed, customer.phone!) });
      expect(verified.body.status).toBe('signed_in');
      const request = await authorizationUrl(config, rp, { authorization_details: JSON.stringify(withdrawal(20_000)) });
      let page = await browser.navigate(request.url.href);
      if ((await browser.api('GET', `/api/v1/federation/interactions/${uidOf(page)}/details`)).body.prompt === 'login') {
        page = await browser.navigate((await browser.api('POST', `/api/v1/federation/interactions/${uidOf(page)}/continue`, {})).body.redirectTo);
      }
      const refused = await browser.api('POST', `/api/v1/federation/interactions/${uidOf(page)}/continue`, {});
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('factor_cooling_off');
    });
  });
});
