import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, e164, signInWithPassword, type TestCustomer } from '../support/flows.js';
import { secretIn } from '../support/known-secrets.js';
import { codeIn, startFakeProvider, type FakeProvider } from './support/fake-sms-provider.js';

const SID = 'AC0123456789abcdef';
const TOKEN = 'provider-auth-token-xyz';

describe('SMS and voice through a Twilio-compatible provider', () => {
  let provider: FakeProvider;
  beforeAll(async () => {
    provider = await startFakeProvider();
  });
  const server = useTestServer(
    () => ({
      env: {
        KABUTO_SMS_API_URL: provider.url,
        KABUTO_SMS_ACCOUNT_SID: SID,
        KABUTO_SMS_AUTH_TOKEN: TOKEN,
        KABUTO_SMS_FROM: '+815012345678',
        KABUTO_SMS_TIMEOUT_MS: '400',
        // Every login needs a code: a landline customer gets theirs by voice.
        KABUTO_MFA_REQUIRED: '1',
      },
    }),
    { per: 'suite' },
  );
  afterAll(async () => {
    await provider.close();
  });

  async function loginChallenge(customer: TestCustomer) {
    const client = server.client();
    const login = await signInWithPassword(client, customer);
    expect(login.body.status).toBe('second_factor_required');
    return { client, id: login.body.challenge.id as string };
  }

  it('sends the SMS through Messages.json with Basic auth, and the code verifies', async () => {
    provider.mode = 'ok';
    const customer = await createCustomer(server);
    const { client, id } = await loginChallenge(customer);
    const sent = await client.post(`/api/v1/challenges/${id}/sms`);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const request = provider.requests.at(-1)!;
    expect(request.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(request.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(request.form.get('To')).toBe(e164(customer.phone!));
    expect(request.form.get('From')).toBe('+815012345678');
    const verified = await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: codeIn(request.form.get('Body')) });
    expect(verified.body.status).toBe('signed_in');
  });

  it('calls a landline through Calls.json, reading the code out', async () => {
    provider.mode = 'ok';
    const customer = await createCustomer(server, { phone: '03-5555-0101' });
    const { client, id } = await loginChallenge(customer);
    const sent = await client.post(`/api/v1/challenges/${id}/voice`);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const request = provider.requests.at(-1)!;
    expect(request.path).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    const twiml = request.form.get('Twiml')!;
    expect(twiml).toMatch(/^<Response><Say language="ja-JP">.+<\/Say><Pause length="1"\/><Say/);
    const verified = await client.post(`/api/v1/challenges/${id}/verify`, { method: 'voice', code: codeIn(twiml) });
    expect(verified.body.status).toBe('signed_in');
  });

  for (const mode of ['error', 'server_error', 'hang'] as const) {
    // Only a clear refusal (4xx) proves nothing went out; a time-out or a 5xx may follow a delivery.
    const counted = mode !== 'error';
    it(`a provider ${mode === 'hang' ? 'time-out' : mode} answers 502 send_failed, ${counted ? 'counts as sent' : 'counts nothing'}, starts no resend wait and logs no code`, async () => {
      const customer = await createCustomer(server);
      const { client, id } = await loginChallenge(customer);
      provider.mode = mode;
      const started = Date.now();
      const failed = await client.post(`/api/v1/challenges/${id}/sms`);
      expect(failed.status).toBe(502);
      expect(failed.body.error).toBe('send_failed');
      expect(failed.body.message).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(5_000);
      const lostCode = codeIn(provider.requests.at(-1)!.form.get('Body'))!;
      expect(lostCode).toMatch(/^[0-9]{6}$/);
      expect(server.logs.join('\n')).toContain('code could not be sent');
      // As a number of its own: its six digits may occur by chance inside a request ID (known-secrets.ts).
      expect(secretIn(lostCode, server.logs.join('\n'))).toBe(false);

      // No resend interval to wait either way; the challenge's sends count the failed one unless refused.
      provider.mode = 'ok';
      const retried = await client.post(`/api/v1/challenges/${id}/sms`);
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      const challenge = await server.kabuto.deps.store.challenges.findById(id);
      expect(challenge!.sends).toBe(counted ? 2 : 1);
      // The superseded code does not work; the delivered one does.
      const delivered = codeIn(provider.requests.at(-1)!.form.get('Body'))!;
      if (delivered !== lostCode) expect((await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: lostCode })).status).toBe(400);
      expect((await client.post(`/api/v1/challenges/${id}/verify`, { method: 'sms', code: delivered })).body.status).toBe('signed_in');
    });
  }
});
