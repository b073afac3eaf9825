import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import { newAuthenticator, registerPasskey, signInWithPasskey } from './support/factor-flows.js';
import type { SoftAuthenticator } from './support/soft-authenticator.js';
import { counterRegressed } from '../../src/domain/factors/passkey-assertion.js';

// Clone detection compares the signature counters itself (WebAuthn §6.1.1), and only for an
// assertion whose signature verified: a forged one proves nothing about the authenticator.

describe('passkey signature counters', () => {
  const server = useTestServer({}, { per: 'suite' });

  async function enrolled(): Promise<{ loginId: string; original: SoftAuthenticator }> {
    const customer = await createCustomer(server);
    const client = server.client();
    await signInWithPassword(client, customer);
    const original = newAuthenticator(server);
    await registerPasskey(server, client, customer, original);
    return { loginId: customer.loginId, original };
  }

  const regressionsOf = async (loginId: string) => {
    const audit = await server.admin().get(`/api/admin/v1/customers/${loginId}/audit`);
    expect(audit.status).toBe(200);
    return JSON.stringify(audit.body).split('passkey_counter_regression').length - 1;
  };

  it('reports a validly signed assertion whose counter repeats the stored one as a clone', async () => {
    const { loginId, original } = await enrolled();
    const clone = original.clone();
    expect((await signInWithPasskey(server.client(), original)).status).toBe(200);
    // The clone was copied one use behind: its next counter equals the stored one (not greater).
    const cloned = await signInWithPasskey(server.client(), clone);
    expect(cloned.status).toBe(401);
    expect(cloned.body.error).toBe('invalid_credentials');
    expect(await regressionsOf(loginId)).toBe(1);
  });

  it('refuses a forged assertion with a low counter without reporting a clone', async () => {
    const { loginId, original } = await enrolled();
    expect((await signInWithPasskey(server.client(), original)).status).toBe(200);
    expect((await signInWithPasskey(server.client(), original)).status).toBe(200);
    // Another key claiming the passkey's id, with a counter behind the stored one: its signature
    // does not verify, so nothing says two authenticators hold the real key.
    const impostor = newAuthenticator(server);
    impostor.credentialId = original.credentialId;
    impostor.userHandle = original.userHandle;
    const forged = await signInWithPasskey(server.client(), impostor);
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBe('invalid_credentials');
    expect(await regressionsOf(loginId)).toBe(0);
    // The real authenticator still signs in: the forged attempt moved no counter.
    expect((await signInWithPasskey(server.client(), original)).status).toBe(200);
  });

  it('accepts a counter that moves forward, even by more than one', async () => {
    const { loginId, original } = await enrolled();
    expect((await signInWithPasskey(server.client(), original)).status).toBe(200);
    original.counter += 40;
    expect((await signInWithPasskey(server.client(), original)).status).toBe(200);
    expect(await regressionsOf(loginId)).toBe(0);
  });
});

describe('counterRegressed (WebAuthn §6.1.1)', () => {
  it('is a regression when either counter is non-zero and the new one is not greater', () => {
    expect(counterRegressed(0, 0)).toBe(false);
    expect(counterRegressed(0, 1)).toBe(false);
    expect(counterRegressed(5, 6)).toBe(false);
    expect(counterRegressed(5, 5)).toBe(true);
    expect(counterRegressed(5, 4)).toBe(true);
    expect(counterRegressed(5, 0)).toBe(true);
  });
});
