import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { e164, latestCode, outbox, passChallengeBySms, signedIn, signedInWithSms, signInWithPassword } from '../support/flows.js';

describe('電話認証番号: PUT /api/v1/settings/phone', () => {
  const server = useTestServer();

  it('refuses an invalid number (400 phone_invalid) and a foreign one (400 phone_not_domestic)', async () => {
    const { customer, client } = await signedIn(server, { phone: undefined });
    for (const [phone, error] of [
      ['12345', 'phone_invalid'],
      ['not a number', 'phone_invalid'],
      ['+1 415 555 2671', 'phone_not_domestic'],
      ['+44 20 7946 0958', 'phone_not_domestic'],
    ] as const) {
      const response = await client.put('/api/v1/settings/phone', { phone, tradingPassword: customer.tradingPassword });
      expect(response.status, phone).toBe(400);
      expect(response.body.error, phone).toBe(error);
    }
  });

  it('registers a new mobile number with a code sent to that number (2FA off)', async () => {
    const { customer, client } = await signedIn(server, { phone: undefined });
    const first = await client.put('/api/v1/settings/phone', { phone: '+81 80 2222 3333', tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    expect(first.body.challenge).toMatchObject({ purpose: 'phone_verification', methods: [{ type: 'sms', phoneLast4: '3333' }] });
    await passChallengeBySms(server, client, first.body.challenge.id, '080-2222-3333');
    const done = await client.put('/api/v1/settings/phone', { phone: '080-2222-3333', tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(done.status).toBe(200);
    expect(done.body.phone).toEqual({ last4: '3333', type: 'mobile', verified: true });
    expect((await outbox(server, customer.email))[0]!.subject).toContain('電話認証番号を変更しました');
  });

  it('with 2FA on, needs the current factor first, then a code to the new number', async () => {
    const { customer, client } = await signedInWithSms(server);
    const first = await client.put('/api/v1/settings/phone', { phone: '080-7777-8888', tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    expect(first.body.challenge).toMatchObject({ purpose: 'phone_change', methods: [{ type: 'sms', phoneLast4: customer.phone!.slice(-4) }] });
    await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!);

    const second = await client.put('/api/v1/settings/phone', { phone: '080-7777-8888', tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(second.status).toBe(403);
    expect(second.body.challenge).toMatchObject({ purpose: 'phone_verification', methods: [{ type: 'sms', phoneLast4: '8888' }] });
    // A code to the new number alone, without the current factor, is not enough for another number.
    const mismatch = await client.put('/api/v1/settings/phone', { phone: '080-7777-9999', tradingPassword: customer.tradingPassword, challengeId: second.body.challenge.id });
    expect(mismatch.body.error).toBe('challenge_mismatch');

    await passChallengeBySms(server, client, second.body.challenge.id, '080-7777-8888');
    const done = await client.put('/api/v1/settings/phone', { phone: '080-7777-8888', tradingPassword: customer.tradingPassword, challengeId: second.body.challenge.id });
    expect(done.status).toBe(200);
    expect(done.body.phone.last4).toBe('8888');

    // Later logins send codes to the new number.
    const login = await signInWithPassword(server.client(), customer);
    expect(login.body.challenge.methods).toEqual([{ type: 'sms', phoneLast4: '8888' }]);
  });

  it('with 2FA on, a phone_verification challenge issued without the current factor is refused', async () => {
    const { customer, client } = await signedInWithSms(server);
    // The attacker's way round: turn nothing off, just try to present a code of the new number.
    const first = await client.put('/api/v1/settings/phone', { phone: '080-1111-0000', tradingPassword: customer.tradingPassword });
    const viaPhoneChange = await client.put('/api/v1/settings/phone', { phone: '080-1111-0000', tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(viaPhoneChange.body.error).toBe('challenge_mismatch'); // not verified yet
  });

  it('accepts a landline: SMS becomes unavailable (reason landline) and codes come by voice call', async () => {
    const { customer, client } = await signedIn(server, { phone: '090-3333-4444' });
    const first = await client.put('/api/v1/settings/phone', { phone: '06-6123-4567', tradingPassword: customer.tradingPassword });
    expect(first.body.challenge.methods).toEqual([{ type: 'voice', phoneLast4: '4567' }]);
    const sms = await client.post(`/api/v1/challenges/${first.body.challenge.id}/sms`);
    expect(sms.status).toBe(409);
    expect(sms.body).toMatchObject({ error: 'sms_unavailable', reason: 'landline' });
    expect((await client.post(`/api/v1/challenges/${first.body.challenge.id}/voice`)).status).toBe(200);
    const [call] = await outbox(server, e164('06-6123-4567'));
    expect(call!.channel).toBe('voice');
    const code = await latestCode(server, '06-6123-4567');
    expect((await client.post(`/api/v1/challenges/${first.body.challenge.id}/verify`, { method: 'voice', code })).status).toBe(200);
    const done = await client.put('/api/v1/settings/phone', { phone: '06-6123-4567', tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
    expect(done.body.phone).toEqual({ last4: '4567', type: 'landline', verified: true });
    expect((await client.get('/api/v1/settings/mfa')).body.available.sms).toEqual({ available: false, reason: 'landline' });
  });
});
