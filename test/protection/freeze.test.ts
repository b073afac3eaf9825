import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, outbox, signedIn, signInWithPassword } from '../support/flows.js';
import { BANK, newAuthenticator, registerPasskey, signInWithPasskey } from '../factors/support/factor-flows.js';
import { addressChange, bankChange, expectFrozen, order, withdrawal } from './support.js';

// Issue 16.2: 取引制限 / ログイン一時停止. Each level refuses exactly what it freezes, and nothing else;
// freezing takes no second factor; lifting takes a passkey bound to the lift, or an operator for a
// customer without one; withdrawals then wait out the cooling-off.

const rich = { cash: 1_000_000, bankAccount: BANK };
const DAY = 24 * 3600_000;

describe('freeze levels', () => {
  const server = useTestServer();

  it('withdrawals: refuses withdrawals and bank-account changes, nothing else', async () => {
    const { customer, client } = await signedIn(server, rich);
    const frozen = await client.post('/api/v1/protection/freeze', { levels: ['withdrawals'] });
    expect(frozen.status).toBe(200);
    expect(frozen.body).toMatchObject({ withdrawals: { frozen: true }, orders: { frozen: false }, signIn: { frozen: false } });
    expectFrozen(await withdrawal(client, customer), 'withdrawals');
    expectFrozen(await bankChange(client, customer), 'withdrawals');
    // Not frozen: orders, other registration changes, the session, sign-in.
    expect((await order(client, customer)).status).toBe(201);
    expect((await addressChange(client, customer)).status).toBe(200);
    expect((await client.get('/api/v1/me')).status).toBe(200);
    expect((await signInWithPassword(server.client(), customer)).status).toBe(200);
    // The customer is told, and it is audited.
    const mails = await outbox(server, customer.email);
    expect(mails.some((m) => m.subject?.includes('お取引を制限しました'))).toBe(true);
    const audit = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`);
    expect(audit.body.find((e: { action: string }) => e.action === 'account_frozen').detail).toEqual({ levels: ['withdrawals'], source: 'customer' });
  });

  it('orders: refuses orders (before the trading password is judged), nothing else', async () => {
    const { customer, client } = await signedIn(server, rich);
    expect((await client.post('/api/v1/protection/freeze', { levels: ['orders'] })).status).toBe(200);
    expectFrozen(await order(client, customer), 'orders');
    const wrongPassword = await client.post('/api/v1/orders', { symbol: '7203', side: 'buy', quantity: 1, tradingPassword: 'wrong', idempotencyKey: 'x1' });
    expectFrozen(wrongPassword, 'orders');
    expect((await withdrawal(client, customer)).status).toBe(201);
    expect((await bankChange(client, customer)).status).toBe(200);
    expect((await signInWithPassword(server.client(), customer)).status).toBe(200);
  });

  it('sign-in: every session ends at once (this one too), the right password and a passkey open nothing, a wrong one answers as ever', async () => {
    const { customer, client } = await signedIn(server, rich);
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, client, customer, authenticator);
    const other = server.client();
    expect((await signInWithPassword(other, customer)).status).toBe(200);
    const frozen = await client.post('/api/v1/protection/freeze', { levels: ['sign_in'] });
    expect(frozen.status).toBe(200);
    expect(frozen.body.signIn.frozen).toBe(true);
    expect((await client.get('/api/v1/me')).status).toBe(401);
    expect((await other.get('/api/v1/me')).status).toBe(401);
    expectFrozen(await signInWithPassword(server.client(), customer), 'sign_in');
    expectFrozen(await signInWithPasskey(server.client(), authenticator), 'sign_in');
    const wrong = await server.client().post('/api/v1/login', { loginId: customer.loginId, password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_credentials');
    // The operator sees it; withdrawals and orders are not frozen by it.
    const state = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/freeze`);
    expect(state.body).toMatchObject({ signIn: { frozen: true }, withdrawals: { frozen: false }, orders: { frozen: false } });
  });

  it('a login challenge issued before the sign-in freeze opens no session after it', async () => {
    const customer = await createCustomer(server, rich);
    const setup = server.client();
    await signInWithPassword(setup, customer);
    // SMS 2FA on login: a thief holds the password and waits for the code.
    const on = await setup.put('/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword });
    const { passChallengeBySms } = await import('../support/flows.js');
    await passChallengeBySms(server, setup, on.body.challenge.id, customer.phone!);
    expect((await setup.put('/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword, challengeId: on.body.challenge.id })).status).toBe(200);
    const thief = server.client();
    const pending = await signInWithPassword(thief, customer);
    expect(pending.body.status).toBe('second_factor_required');
    expect((await setup.post('/api/v1/protection/freeze', { levels: ['sign_in'] })).status).toBe(200);
    server.clock.advance(61_000);
    const verified = await passChallengeBySms(server, thief, pending.body.challenge.id, customer.phone!);
    // Whatever the challenge answers, the session it could open is dead.
    expect((await thief.get('/api/v1/me')).status).toBe(401);
    expect(verified.status === 200 ? verified.body.status : verified.body.error).toBeDefined();
  });

  it('freezing needs no second factor even with 2FA on everything, and a frozen level stays frozen since its first time', async () => {
    const { customer, client } = await signedIn(server, rich);
    const { enableSms } = await import('../support/flows.js');
    await enableSms(server, client, customer, 'all');
    const first = await client.post('/api/v1/protection/freeze', { levels: ['withdrawals'] });
    expect(first.status).toBe(200);
    server.clock.advance(60_000);
    const again = await client.post('/api/v1/protection/freeze', { levels: ['withdrawals', 'orders'] });
    expect(again.body.withdrawals.since).toBe(first.body.withdrawals.since);
    expect(again.body.orders.since).not.toBeNull();
    expect((await client.post('/api/v1/protection/freeze', { levels: [] })).status).toBe(400);
    expect((await client.post('/api/v1/protection/freeze', { levels: ['everything'] })).status).toBe(400);
    expect((await server.client().post('/api/v1/protection/freeze', { levels: ['orders'] })).status).toBe(401);
  });
});

describe('lifting a freeze', () => {
  const server = useTestServer();

  it('by passkey: bound to the lift, its levels and the session; withdrawals then held for 24 hours', async () => {
    const { customer, client: first } = await signedIn(server, rich);
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, first, customer, authenticator);
    // Past the new passkey's own cooling-off: what holds withdrawals below is the lift.
    server.clock.advance(2 * DAY);
    const client = server.client();
    await signInWithPassword(client, customer);
    expect((await withdrawal(client, customer)).body.status).toBe('completed');
    await client.post('/api/v1/protection/freeze', { levels: ['withdrawals', 'orders'] });

    // An assertion for the orders alone does not lift both.
    const narrow = await client.post('/api/v1/protection/unfreeze/options', { levels: ['orders'] });
    expect(narrow.status).toBe(200);
    const mismatched = await client.post('/api/v1/protection/unfreeze', { levels: ['withdrawals', 'orders'], response: authenticator.assert(narrow.body) });
    expect(mismatched.status).toBe(401);
    // Options asked in another session of the same customer do not serve this one.
    const elsewhere = server.client();
    await signInWithPassword(elsewhere, customer);
    const foreign = await elsewhere.post('/api/v1/protection/unfreeze/options', { levels: ['withdrawals', 'orders'] });
    expect((await client.post('/api/v1/protection/unfreeze', { levels: ['withdrawals', 'orders'], response: authenticator.assert(foreign.body) })).status).toBe(401);

    const options = await client.post('/api/v1/protection/unfreeze/options', { levels: ['withdrawals', 'orders'] });
    const assertion = authenticator.assert(options.body);
    const lifted = await client.post('/api/v1/protection/unfreeze', { levels: ['withdrawals', 'orders'], response: assertion });
    expect(lifted.status, JSON.stringify(lifted.body)).toBe(200);
    expect(lifted.body).toMatchObject({ withdrawals: { frozen: false }, orders: { frozen: false } });
    expect(lifted.body.withdrawalsHeldUntil).toBe(new Date(server.clock.now() + DAY).toISOString());
    // The same assertion again: refused.
    expect((await client.post('/api/v1/protection/unfreeze', { levels: ['withdrawals', 'orders'], response: assertion })).status).toBe(401);

    expect((await order(client, customer)).status).toBe(201);
    const held = await withdrawal(client, customer);
    expect(held.status).toBe(201);
    expect(held.body.status).toBe('pending');
    server.clock.advance(DAY + 1);
    const later = server.client();
    await signInWithPassword(later, customer);
    expect((await withdrawal(later, customer)).body.status).toBe('completed');
    const audit = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`);
    expect(audit.body.find((e: { action: string }) => e.action === 'account_unfrozen')).toMatchObject({ actor: 'customer', detail: { by: 'passkey', levels: ['withdrawals', 'orders'] } });
  });

  it('without a passkey the customer cannot lift it; an operator can, after an identity check, named with the reason', async () => {
    const { customer, client } = await signedIn(server, rich);
    await client.post('/api/v1/protection/freeze', { levels: ['withdrawals'] });
    const options = await client.post('/api/v1/protection/unfreeze/options', { levels: ['withdrawals'] });
    expect(options.status).toBe(409);
    expect(options.body).toMatchObject({ error: 'method_unavailable', method: 'passkey' });
    const bogus = await client.post('/api/v1/protection/unfreeze', { levels: ['withdrawals'], response: { id: 'x', response: {} } });
    expect(bogus.status).toBe(401);
    expectFrozen(await withdrawal(client, customer), 'withdrawals');

    const admin = server.admin();
    expect((await admin.post(`/api/admin/v1/customers/${customer.loginId}/unfreeze`, { levels: ['withdrawals'], reason: '本人から電話' })).status).toBe(400);
    const lifted = await admin.post(`/api/admin/v1/customers/${customer.loginId}/unfreeze`, { levels: ['withdrawals'], reason: '本人から電話、取引の再開を希望', identityCheck: 'ビデオ通話で運転免許証を確認' });
    expect(lifted.status, JSON.stringify(lifted.body)).toBe(200);
    expect(lifted.body.withdrawals.frozen).toBe(false);
    const held = await withdrawal(client, customer);
    expect(held.body.status).toBe('pending');
    const audit = await admin.get(`/api/admin/v1/customers/${customer.loginId}/audit`);
    expect(audit.body.find((e: { action: string }) => e.action === 'account_unfrozen')).toMatchObject({
      actor: 'admin',
      detail: { by: 'operator', reason: '本人から電話、取引の再開を希望', identityCheck: 'ビデオ通話で運転免許証を確認' },
    });
    expect((await server.client().post(`/api/admin/v1/customers/${customer.loginId}/unfreeze`, { levels: ['withdrawals'], reason: 'r', identityCheck: 'c' })).status).toBe(401);
  });

  it('an operator may not lift the freeze of a customer who has a passkey (past its cooling-off before the freeze)', async () => {
    const { customer, client: first } = await signedIn(server, rich);
    await registerPasskey(server, first, customer, newAuthenticator(server));
    server.clock.advance(2 * DAY);
    const client = server.client();
    await signInWithPassword(client, customer);
    await client.post('/api/v1/protection/freeze', { levels: ['orders'] });
    const refused = await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/unfreeze`, { levels: ['orders'], reason: 'r', identityCheck: 'c' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('unfreeze_by_passkey');
    expectFrozen(await order(client, customer), 'orders');
  });

  it('a sign-in freeze is lifted from the sign-in page with the customer’s own passkey (no session), not another’s', async () => {
    const { customer, client: first } = await signedIn(server, rich);
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, first, customer, authenticator);
    const stranger = await createCustomer(server);
    const strangerSession = server.client();
    await signInWithPassword(strangerSession, stranger);
    const strangerKey = newAuthenticator(server);
    await registerPasskey(server, strangerSession, stranger, strangerKey);
    // Both passkeys past their cooling-off before the freeze (a younger one lifts nothing: freeze-lift.security.test.ts).
    server.clock.advance(2 * DAY);
    const client = server.client();
    await signInWithPassword(client, customer);
    await client.post('/api/v1/protection/freeze', { levels: ['sign_in', 'orders'] });
    expectFrozen(await signInWithPasskey(server.client(), authenticator), 'sign_in');

    const browser = server.client();
    // Another customer's passkey lifts only that customer's freeze (none): this one stays frozen.
    const foreign = await browser.post('/api/v1/protection/unfreeze-sign-in/options');
    expect((await browser.post('/api/v1/protection/unfreeze-sign-in', { response: strangerKey.assert(foreign.body) })).status).toBe(200);
    expectFrozen(await signInWithPassword(server.client(), customer), 'sign_in');
    const bogus = await browser.post('/api/v1/protection/unfreeze-sign-in', { response: { id: 'x', response: {} } });
    expect(bogus.status).toBe(401);

    const options = await browser.post('/api/v1/protection/unfreeze-sign-in/options');
    const lifted = await browser.post('/api/v1/protection/unfreeze-sign-in', { response: authenticator.assert(options.body) });
    expect(lifted.status, JSON.stringify(lifted.body)).toBe(200);
    expect(lifted.body).toEqual({ status: 'lifted' });
    const back = server.client();
    expect((await signInWithPassword(back, customer)).status).toBe(200);
    // Only sign-in was lifted: orders stay frozen, withdrawals cool off.
    expectFrozen(await order(back, customer), 'orders');
    expect((await withdrawal(back, customer)).body.status).toBe('pending');
  });

  it('a sign-in freeze of a customer without a passkey is lifted by an operator, and sign-in works again', async () => {
    const { customer, client } = await signedIn(server, rich);
    await client.post('/api/v1/protection/freeze', { levels: ['sign_in'] });
    expectFrozen(await signInWithPassword(server.client(), customer), 'sign_in');
    const lifted = await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/unfreeze`, { levels: ['sign_in'], reason: 'r', identityCheck: 'c' });
    expect(lifted.status).toBe(200);
    expect((await signInWithPassword(server.client(), customer)).status).toBe(200);
  });
});
