import { expect } from 'vitest';
import { decryptSecret } from '../../../src/domain/factors/encryption.js';
import { totpCodeAt } from '../../../src/domain/factors/totp.js';
import type { HttpClient } from '../../support/http-client.js';
import type { TestServer } from '../../support/harness.js';
import { passChallengeBySms, type TestCustomer } from '../../support/flows.js';
import { SoftAuthenticator } from './soft-authenticator.js';

// Journeys the factor tests start from: enrol a passkey, an app, recovery codes.

export const BANK = { bankName: 'みずほ銀行', branchName: '本店', accountNumber: '1234567', holderName: 'テスト タロウ' };

export function newAuthenticator(server: TestServer, options?: ConstructorParameters<typeof SoftAuthenticator>[2]): SoftAuthenticator {
  return new SoftAuthenticator(server.url, new URL(server.url).hostname, options);
}

/** Runs a settings request; when it answers step_up_required, passes the challenge by SMS and repeats it. */
export async function withStepUp(server: TestServer, client: HttpClient, customer: TestCustomer, send: (challengeId?: string) => Promise<{ status: number; body: any }>) {
  const first = await send();
  if (first.status !== 403 || first.body.error !== 'step_up_required') return first;
  const verified = await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!);
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return send(first.body.challenge.id);
}

export async function registerPasskey(server: TestServer, client: HttpClient, customer: TestCustomer, authenticator: SoftAuthenticator, name = 'iPhone') {
  const options = await withStepUp(server, client, customer, (challengeId) =>
    client.post('/api/v1/settings/passkeys/options', { tradingPassword: customer.tradingPassword, ...(challengeId ? { challengeId } : {}) }),
  );
  expect(options.status, JSON.stringify(options.body)).toBe(200);
  const created = await client.post('/api/v1/settings/passkeys', { name, response: authenticator.register(options.body) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

export async function signInWithPasskey(client: HttpClient, authenticator: SoftAuthenticator, overrides?: { origin?: string }) {
  const options = await client.post('/api/v1/login/passkey-options');
  expect(options.status).toBe(200);
  return client.post('/api/v1/login/passkey', { response: authenticator.assert(options.body, overrides) });
}

/** Enrol an authenticator app; returns the raw secret, read back as the app would from the QR code. */
export async function enrolTotp(server: TestServer, client: HttpClient, customer: TestCustomer): Promise<Buffer> {
  const started = await withStepUp(server, client, customer, (challengeId) =>
    client.post('/api/v1/settings/totp', { tradingPassword: customer.tradingPassword, ...(challengeId ? { challengeId } : {}) }),
  );
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const secret = base32Decode(started.body.secret);
  const confirmed = await client.post('/api/v1/settings/totp/confirm', { code: totpCodeAt(secret, server.clock.now()) });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return secret;
}

export function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  return Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
}

/** The stored TOTP secret, decrypted with the server's key: what a thief of the database does not have. */
export async function storedTotpSecret(server: TestServer, loginId: string): Promise<{ sealed: string; plain: Buffer }> {
  const customer = (await server.kabuto.deps.store.customers.findByLoginId(loginId))!;
  const record = (await server.kabuto.deps.store.factors.findTotp(customer.id))!;
  return { sealed: record.secretEnc!, plain: decryptSecret(server.kabuto.deps.secrets.encryptionKey, customer.id, record.secretEnc!) };
}

export async function setMfa(server: TestServer, client: HttpClient, customer: TestCustomer, method: string, scope: 'login' | 'all') {
  const result = await withStepUp(server, client, customer, (challengeId) =>
    client.put('/api/v1/settings/mfa', { method, scope, tradingPassword: customer.tradingPassword, ...(challengeId ? { challengeId } : {}) }),
  );
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body;
}
