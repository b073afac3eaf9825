import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { e164, outbox, passChallengeBySms, signInWithPassword } from '../support/flows.js';
import { available, moneyCustomer, newKey, withdraw } from './money-support.js';

// With MFA scope `all`, a withdrawal needs a challenge bound to its amount and destination, used once.

describe('withdrawal step-up', () => {
  const server = useTestServer({}, { per: 'suite' });

  it('issues a challenge naming the amount, and its SMS names it too', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 500_000, mfa: true });
    const first = await withdraw(client, customer, 100_000);
    expect(first.status).toBe(403);
    expect(first.body.error).toBe('step_up_required');
    expect(first.body.challenge).toMatchObject({ purpose: 'withdrawal', summary: '出金 100,000円' });
    expect((await client.post(`/api/v1/challenges/${first.body.challenge.id}/sms`)).status).toBe(200);
    const sms = (await outbox(server, e164(customer.phone!)))[0]!;
    expect(sms.body).toContain('出金 100,000円');
    expect(await available(client)).toBe(500_000);
  });

  it('refuses a challenge verified for 10,000 yen for 10,001, then accepts it once for 10,000 under the first key', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 500_000, mfa: true });
    const idempotencyKey = newKey('stepup');
    const first = await withdraw(client, customer, 10_000, { idempotencyKey });
    expect(first.status).toBe(403);
    const challengeId = first.body.challenge.id;
    expect((await passChallengeBySms(server, client, challengeId, customer.phone!)).status).toBe(200);

    const more = await withdraw(client, customer, 10_001, { challengeId });
    expect(more.status).toBe(403);
    expect(more.body.error).toBe('challenge_mismatch');
    const moreSameKey = await withdraw(client, customer, 10_001, { idempotencyKey, challengeId });
    expect(moreSameKey.status).toBe(403);
    expect(moreSameKey.body.error).toBe('challenge_mismatch');
    expect(await available(client)).toBe(500_000);

    // The 403s used neither the key nor the challenge: the repeat with challengeId keeps the first key.
    const done = await withdraw(client, customer, 10_000, { idempotencyKey, challengeId });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(await available(client)).toBe(490_000);

    const replayed = await withdraw(client, customer, 10_000, { idempotencyKey });
    expect(replayed.status).toBe(201);
    expect(replayed.body.id).toBe(done.body.id);

    const reused = await withdraw(client, customer, 10_000, { challengeId });
    expect(reused.status).toBe(403);
    expect(reused.body.error).toBe('challenge_mismatch');
    expect(await available(client)).toBe(490_000);
  });

  it('refuses a login challenge for a withdrawal', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 500_000, mfa: true });
    const other = server.client();
    const login = await signInWithPassword(other, customer);
    expect(login.body.status).toBe('second_factor_required');
    const loginChallenge = login.body.challenge.id;
    const pending = await withdraw(client, customer, 10_000, { challengeId: loginChallenge });
    expect(pending.status).toBe(403);
    expect(pending.body.error).toBe('challenge_mismatch');
    expect((await passChallengeBySms(server, other, loginChallenge, customer.phone!)).body.status).toBe('signed_in');
    const used = await withdraw(client, customer, 10_000, { challengeId: loginChallenge });
    expect(used.status).toBe(403);
    expect(used.body.error).toBe('challenge_mismatch');
    expect(await available(client)).toBe(500_000);
  });

  it('checks the trading password before issuing any challenge', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 500_000, mfa: true });
    const wrong = await withdraw(client, customer, 10_000, { tradingPassword: 'wrong-trading-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_trading_password');
    expect(wrong.body.challenge).toBeUndefined();
  });

  it('holds a withdrawal after a bank-account change for 24 hours, as pending, and tells the phone on record', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 200_000 });
    const changed = await client.put('/api/v1/settings/profile', {
      bankAccount: { bankName: 'ゆうちょ銀行', branchName: '〇一八支店', accountNumber: '7654321', holderName: 'カブト タロウ' },
      tradingPassword: customer.tradingPassword,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    server.clock.advance(20 * 60_000);

    const held = await withdraw(client, customer, 50_000);
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ amount: 50_000, status: 'pending', bankAccount: { last4: '4321' } });
    expect((await client.get('/api/v1/account')).body.cash).toEqual({ available: 150_000, pending: 50_000 });
    const sms = (await outbox(server, e164(customer.phone!)))[0]!;
    expect(sms.body).toContain('出金 50,000円');
    expect(sms.body).toContain('保留');
    expect((await outbox(server, customer.email))[0]!.body).toContain('保留');

    server.clock.advance(24 * 60 * 60_000);
    // The session has long gone idle: sign in again, as the customer would the next day.
    expect((await signInWithPassword(client, customer)).status).toBe(200);
    expect((await client.get('/api/v1/account')).body.cash).toEqual({ available: 150_000, pending: 0 });
    const later = await withdraw(client, customer, 10_000);
    expect(later.body.status).toBe('completed');
  });
});
