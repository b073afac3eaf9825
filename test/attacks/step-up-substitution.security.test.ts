import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { passChallengeBySms, signedInWithSms } from '../support/flows.js';

describe('attack: substituting a verified step-up', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

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
