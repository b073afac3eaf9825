import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { passChallengeBySms, signedInWithSms } from '../support/flows.js';
import { available, moneyCustomer, withdraw } from '../money/money-support.js';

describe('attack: substituting a verified step-up', () => {
  const server = useTestServer();

  const bank = (accountNumber: string) => ({ bankName: '三井住友銀行', branchName: '本店', accountNumber, holderName: 'カブト' });

  async function verifiedProfileChallenge() {
    const { customer, client } = await signedInWithSms(server);
    const first = await client.put('/api/v1/settings/profile', { bankAccount: bank('1234567'), tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    const id: string = first.body.challenge.id;
    expect((await passChallengeBySms(server, client, id, customer.phone!)).status).toBe(200);
    return { customer, client, id };
  }

  it('refuses it for other content (a thief’s bank account)', async () => {
    const { customer, client, id } = await verifiedProfileChallenge();
    const swapped = await client.put('/api/v1/settings/profile', { bankAccount: bank('7777777'), tradingPassword: customer.tradingPassword, challengeId: id });
    expect(swapped.status).toBe(403);
    expect(swapped.body.error).toBe('challenge_mismatch');
    expect((await client.get('/api/v1/settings/profile')).body.bankAccount).toBeNull();
  });

  it('refuses it for another operation', async () => {
    const { customer, client, id } = await verifiedProfileChallenge();
    const other = await client.put('/api/v1/settings/mfa', { method: 'none', scope: 'all', tradingPassword: customer.tradingPassword, challengeId: id });
    expect(other.body.error).toBe('challenge_mismatch');
    const phone = await client.put('/api/v1/settings/phone', { phone: '090-8888-9999', tradingPassword: customer.tradingPassword, challengeId: id });
    expect(phone.body.error).toBe('challenge_mismatch');
  });

  it('refuses it for another customer', async () => {
    const { id } = await verifiedProfileChallenge();
    const thief = await signedInWithSms(server);
    const response = await thief.client.put('/api/v1/settings/profile', { bankAccount: bank('1234567'), tradingPassword: thief.customer.tradingPassword, challengeId: id });
    expect(response.body.error).toBe('challenge_mismatch');
  });

  it('spends it once, even when two requests race', async () => {
    const { customer, client, id } = await verifiedProfileChallenge();
    const body = { bankAccount: bank('1234567'), tradingPassword: customer.tradingPassword, challengeId: id };
    const responses = await Promise.all([client.put('/api/v1/settings/profile', body), client.put('/api/v1/settings/profile', body), client.put('/api/v1/settings/profile', body)]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 403, 403]);
    const again = await client.put('/api/v1/settings/profile', body);
    expect(again.body.error).toBe('challenge_mismatch');
  });

  it('refuses a pending (unverified) challenge', async () => {
    const { customer, client } = await signedInWithSms(server);
    const first = await client.put('/api/v1/settings/profile', { address: '東京', tradingPassword: customer.tradingPassword });
    const early = await client.put('/api/v1/settings/profile', { address: '東京', tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(early.body.error).toBe('challenge_mismatch');
  });
});

describe('attack: substituting a verified withdrawal step-up', () => {
  const server = useTestServer();

  it('a withdrawal challenge serves no other customer, no other operation, and only once', async () => {
    const victim = await moneyCustomer(server, { cash: 500_000, mfa: true });
    const thief = await moneyCustomer(server, { cash: 500_000, mfa: true });
    const first = await withdraw(victim.client, victim.customer, 50_000);
    const challengeId = first.body.challenge.id;
    await passChallengeBySms(server, victim.client, challengeId, victim.customer.phone!);

    expect((await withdraw(thief.client, thief.customer, 50_000, { challengeId })).body.error).toBe('challenge_mismatch');
    const asSettings = await victim.client.put('/api/v1/settings/profile', { bankAccount: { bankName: 'x', branchName: 'y', accountNumber: '7654321', holderName: 'z' }, tradingPassword: victim.customer.tradingPassword, challengeId });
    expect(asSettings.body.error).toBe('challenge_mismatch');
    expect((await withdraw(victim.client, victim.customer, 50_000, { challengeId })).status).toBe(201);
    expect((await withdraw(victim.client, victim.customer, 50_000, { challengeId })).body.error).toBe('challenge_mismatch');
    expect(await available(victim.client)).toBe(450_000);
    expect(await available(thief.client)).toBe(500_000);
  });

  it('a settings challenge cannot pay out a withdrawal', async () => {
    const { client, customer } = await moneyCustomer(server, { cash: 500_000, mfa: true });
    const settings = await client.put('/api/v1/settings/profile', { address: '札幌', tradingPassword: customer.tradingPassword });
    await passChallengeBySms(server, client, settings.body.challenge.id, customer.phone!);
    const response = await withdraw(client, customer, 10_000, { challengeId: settings.body.challenge.id });
    expect(response.status).toBe(403);
    expect(response.body.error).toBe('challenge_mismatch');
    expect(await available(client)).toBe(500_000);
  });
});
