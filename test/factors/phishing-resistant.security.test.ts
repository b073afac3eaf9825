import { describe, expect, it } from 'vitest';
import { type TestServer, useTestServer } from '../support/harness.js';
import { createCustomer, latestCode, signedIn, signedInWithSms, signInWithPassword } from '../support/flows.js';
import { BANK, newAuthenticator, registerPasskey, signInWithPasskey } from './support/factor-flows.js';
import type { HttpClient } from '../support/http-client.js';
import type { SoftAuthenticator } from './support/soft-authenticator.js';

const types = (challenge: { methods: Array<{ type: string }> }) => challenge.methods.map((m) => m.type);

/** A new passkey approves no money for 24 hours under the policy: let them pass, and sign in with it again. */
async function afterCoolingOff(server: TestServer, client: HttpClient, authenticator: SoftAuthenticator) {
  server.clock.advance(24 * 60 * 60_000 + 1_000);
  expect((await signInWithPasskey(client, authenticator)).status).toBe(200);
}

describe('KABUTO_PHISHING_RESISTANT=login,withdrawal,bank_account (JSDA 2025)', () => {
  const server = useTestServer({ env: { KABUTO_PHISHING_RESISTANT: 'login,withdrawal,bank_account' } }, { per: 'suite' });

  it('refuses an SMS code for a withdrawal with phishing_resistant_required, and takes a passkey', async () => {
    const customer = await createCustomer(server, { cash: 300_000, bankAccount: BANK });
    const { client } = await signedInWithSms(server, customer, 'all');
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, client, customer, authenticator);
    await afterCoolingOff(server, client, authenticator);

    const withdrawal = { amount: 50_000, tradingPassword: customer.tradingPassword, idempotencyKey: 'pr-w-1' };
    const first = await client.post('/api/v1/withdrawals', withdrawal);
    expect(first.status).toBe(403);
    expect(types(first.body.challenge)).toEqual(['passkey']);
    const id = first.body.challenge.id;

    // No code is even sent: it could not be used.
    const send = await client.post(`/api/v1/challenges/${id}/sms`);
    expect(send.status).toBe(403);
    expect(send.body.error).toBe('phishing_resistant_required');
    const sms = await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: '123456' });
    expect(sms.status).toBe(403);
    expect(sms.body.error).toBe('phishing_resistant_required');
    const totp = await client.post(`/api/v1/challenges/${id}/verify`, { method: 'totp', code: '123456' });
    expect(totp.body.error).toBe('phishing_resistant_required');
    const recovery = await client.post(`/api/v1/challenges/${id}/verify`, { method: 'recovery_code', code: 'AAAA-BBBB-CCCC-DDDD' });
    expect(recovery.body.error).toBe('phishing_resistant_required');

    const options = await client.post(`/api/v1/challenges/${id}/passkey-options`);
    const verified = await client.post(`/api/v1/challenges/${id}/verify`, { method: 'passkey', response: authenticator.assert(options.body) });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    const done = await client.post('/api/v1/withdrawals', { ...withdrawal, challengeId: id });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
  });

  it('a customer without a passkey cannot approve a withdrawal with a code at all', async () => {
    const customer = await createCustomer(server, { cash: 300_000, bankAccount: BANK });
    const { client } = await signedInWithSms(server, customer, 'all');
    const first = await client.post('/api/v1/withdrawals', { amount: 10_000, tradingPassword: customer.tradingPassword, idempotencyKey: 'pr-w-2' });
    expect(first.status).toBe(403);
    expect(types(first.body.challenge)).toEqual([]);
    const sms = await client.post(`/api/v1/challenges/${first.body.challenge.id}/verify`, { method: 'sms', code: '123456' });
    expect(sms.status).toBe(403);
    expect(sms.body.error).toBe('phishing_resistant_required');
  });

  it("asks for the passkey even when the customer's own 2FA does not cover withdrawals or bank changes", async () => {
    const { customer, client } = await signedIn(server, { cash: 300_000, bankAccount: BANK });
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, client, customer, authenticator);
    await afterCoolingOff(server, client, authenticator);
    const withdrawal = { amount: 20_000, tradingPassword: customer.tradingPassword, idempotencyKey: 'pr-w-3' };
    const first = await client.post('/api/v1/withdrawals', withdrawal);
    expect(first.status).toBe(403);
    expect(first.body.error).toBe('step_up_required');
    expect(types(first.body.challenge)).toEqual(['passkey']);
    const options = await client.post(`/api/v1/challenges/${first.body.challenge.id}/passkey-options`);
    expect((await client.post(`/api/v1/challenges/${first.body.challenge.id}/verify`, { method: 'passkey', response: authenticator.assert(options.body) })).status).toBe(200);
    expect((await client.post('/api/v1/withdrawals', { ...withdrawal, challengeId: first.body.challenge.id })).status).toBe(201);

    const bank = await client.put('/api/v1/settings/profile', { bankAccount: { ...BANK, accountNumber: '7777777' }, tradingPassword: customer.tradingPassword });
    expect(bank.status).toBe(403);
    expect(types(bank.body.challenge)).toEqual(['passkey']);
    // An address change is not policed: with 2FA off it needs the trading password alone.
    expect((await client.put('/api/v1/settings/profile', { address: '東京都中央区', tradingPassword: customer.tradingPassword })).status).toBe(200);
  });

  it('a bank-account change takes a passkey only; an e-mail change alone does not', async () => {
    const { customer, client } = await signedInWithSms(server, undefined, 'all');
    const authenticator = newAuthenticator(server);
    await registerPasskey(server, client, customer, authenticator);
    await afterCoolingOff(server, client, authenticator);
    const bank = await client.put('/api/v1/settings/profile', { bankAccount: BANK, tradingPassword: customer.tradingPassword });
    expect(bank.status).toBe(403);
    expect(types(bank.body.challenge)).toEqual(['passkey']);
    const email = await client.put('/api/v1/settings/profile', { email: `new-${customer.email}`, tradingPassword: customer.tradingPassword });
    expect(email.status).toBe(403);
    expect(types(email.body.challenge)).toEqual(expect.arrayContaining(['sms', 'passkey']));
  });

  it('a customer with a passkey signs in with it: the password and an SMS code are not enough', async () => {
    const { customer, client } = await signedInWithSms(server, undefined, 'login');
    await registerPasskey(server, client, customer, newAuthenticator(server));
    // A passkey counts for the policy once past its cooling-off (until then it stands beside the code).
    server.clock.advance(24 * 60 * 60_000 + 1_000);
    const login = await signInWithPassword(server.client(), customer);
    expect(login.body.status).toBe('second_factor_required');
    expect(types(login.body.challenge)).toEqual(['passkey']);
    const sms = await server.client().post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code: '000000' });
    expect(sms.status).toBe(403);
    expect(sms.body.error).toBe('phishing_resistant_required');
  });

  it('even with 2FA off, a password alone does not sign in a customer who has a passkey', async () => {
    const { customer, client } = await signedIn(server);
    await registerPasskey(server, client, customer, newAuthenticator(server));
    const young = await signInWithPassword(server.client(), customer);
    expect(young.body.status).toBe('second_factor_required');
    expect(types(young.body.challenge)).toEqual(expect.arrayContaining(['sms', 'passkey']));
    server.clock.advance(24 * 60 * 60_000 + 1_000);
    const login = await signInWithPassword(server.client(), customer);
    expect(login.body.status).toBe('second_factor_required');
    expect(types(login.body.challenge)).toEqual(['passkey']);
  });

  it('a customer with no passkey yet signs in with their code, so that they can register one', async () => {
    const { customer } = await signedInWithSms(server, undefined, 'login');
    const anonymous = server.client();
    const login = await signInWithPassword(anonymous, customer);
    expect(types(login.body.challenge)).toContain('sms');
    await anonymous.post(`/api/v1/challenges/${login.body.challenge.id}/sms`);
    const code = await latestCode(server, customer.phone!);
    expect((await anonymous.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code })).status).toBe(200);
  });
});
