import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, e164, latestCode, outbox, signInWithPassword } from '../support/flows.js';

// Issue 11.14: a code goes out only by a channel the challenge offered, and verifies only as the
// channel it was sent by.

describe('attack: a code by a channel the challenge never offered', () => {
  const server = useTestServer({ env: { KABUTO_MFA_REQUIRED: '1' } });

  it('places no voice call on a challenge that offered SMS to a mobile', async () => {
    const customer = await createCustomer(server);
    const client = server.client();
    const login = await signInWithPassword(client, customer);
    expect(login.body.challenge.methods.map((m: { type: string }) => m.type)).toEqual(['sms']);
    const called = await client.post(`/api/v1/challenges/${login.body.challenge.id}/voice`);
    expect(called.status).toBe(409);
    expect(called.body.error).toBe('voice_unavailable');
    expect((await outbox(server, e164(customer.phone!))).filter((m) => m.channel === 'voice')).toEqual([]);
    // The SMS the challenge offered still works, and verifies as sms.
    expect((await client.post(`/api/v1/challenges/${login.body.challenge.id}/sms`)).status).toBe(200);
    const code = await latestCode(server, customer.phone!);
    expect((await client.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'voice', code })).body.error).toBe('method_unavailable');
    expect((await client.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code })).body.status).toBe('signed_in');
  });

  it('a spoken code verifies as voice only, never as sms', async () => {
    const customer = await createCustomer(server, { phone: '03-5555-4321' });
    const client = server.client();
    const login = await signInWithPassword(client, customer);
    expect((await client.post(`/api/v1/challenges/${login.body.challenge.id}/voice`)).status).toBe(200);
    const code = await latestCode(server, '03-5555-4321');
    const asSms = await client.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code });
    expect(asSms.body.error).toBe('method_unavailable');
    expect((await client.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'voice', code })).body.status).toBe('signed_in');
  });
});
