import { expect } from 'vitest';
import type { HttpClient } from './http-client.js';
import type { TestServer } from './harness.js';
import { rememberSecret } from './known-secrets.js';

// The customer journeys that many tests start from, written once.

let counter = 0;

export interface TestCustomer {
  loginId: string;
  password: string;
  tradingPassword: string;
  email: string;
  phone: string | undefined;
}

export async function createCustomer(server: TestServer, input: Partial<TestCustomer> & { cash?: number; bankAccount?: unknown } = {}): Promise<TestCustomer> {
  counter += 1;
  const suffix = `${process.pid}x${counter}`;
  const customer: TestCustomer = {
    loginId: input.loginId ?? `cust${suffix}`,
    password: input.password ?? `correct horse battery ${suffix}`,
    tradingPassword: input.tradingPassword ?? `trade-secret-${suffix}`,
    email: input.email ?? `cust${suffix}@example.jp`,
    phone: 'phone' in input ? input.phone : `090-${String(1000 + (counter % 9000)).padStart(4, '0')}-${String(process.pid % 10000).padStart(4, '0')}`,
  };
  rememberSecret(customer.password);
  rememberSecret(customer.tradingPassword);
  const response = await server.admin().post('/api/admin/v1/customers', {
    loginId: customer.loginId,
    name: 'テスト 顧客',
    email: customer.email,
    password: customer.password,
    tradingPassword: customer.tradingPassword,
    ...(customer.phone ? { phone: customer.phone } : {}),
    ...(input.cash !== undefined ? { cash: input.cash } : {}),
    ...(input.bankAccount ? { bankAccount: input.bankAccount } : {}),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return customer;
}

/** E.164 form of a national test number: where the outbox files messages. */
export function e164(national: string): string {
  return `+81${national.replace(/-/g, '').slice(1)}`;
}

export async function outbox(server: TestServer, to: string): Promise<Array<{ channel: string; to: string; subject: string | null; body: string; at: string }>> {
  const response = await server.client().get(`/api/dev/outbox?to=${encodeURIComponent(to)}`);
  expect(response.status).toBe(200);
  return response.body;
}

/**
 * The newest code sent to a phone, read from the dev outbox as a customer reads their SMS. Notices by
 * SMS (a new passkey, a held withdrawal) come through the durable outbox after the request, so one
 * may land after the code: the newest message that carries a code is the one.
 */
export async function latestCode(server: TestServer, phone: string): Promise<string> {
  const messages = await outbox(server, phone.startsWith('+') ? phone : e164(phone));
  const match = messages.map((m) => m.body.match(/(?:コード: |コードは、)([0-9、]+)/)).find((m) => m !== null);
  if (!match) throw new Error(`no code in the outbox for ${phone}`);
  const code = match[1]!.replace(/、/g, '');
  rememberSecret(code);
  return code;
}

export async function signInWithPassword(client: HttpClient, customer: TestCustomer) {
  return client.post('/api/v1/login', { loginId: customer.loginId, password: customer.password });
}

/** Complete a challenge by SMS: send, read the code from the outbox, verify. */
export async function passChallengeBySms(server: TestServer, client: HttpClient, challengeId: string, phone: string) {
  const sent = await client.post(`/api/v1/challenges/${challengeId}/sms`);
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const code = await latestCode(server, phone);
  return client.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code });
}

/** The seed's STEP 1–3: SMS on with scope `all`, confirmed by trading password and a code. */
export async function enableSms(server: TestServer, client: HttpClient, customer: TestCustomer, scope: 'login' | 'all' = 'all') {
  const first = await client.put('/api/v1/settings/mfa', { method: 'sms', scope, tradingPassword: customer.tradingPassword });
  expect(first.status, JSON.stringify(first.body)).toBe(403);
  const verified = await passChallengeBySms(server, client, first.body.challenge.id, customer.phone!);
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  const done = await client.put('/api/v1/settings/mfa', { method: 'sms', scope, tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return done.body;
}

/** A new customer signed in by password in a browser of their own (2FA off unless the server demands it). */
export async function signedIn(server: TestServer, input: Parameters<typeof createCustomer>[1] = {}) {
  const customer = await createCustomer(server, input);
  const client = server.client();
  const response = await signInWithPassword(client, customer);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return { customer, client };
}

/** Signed in, with SMS 2FA on (scope `all` unless told). */
export async function signedInWithSms(server: TestServer, customer?: TestCustomer, scope: 'login' | 'all' = 'all') {
  const c = customer ?? (await createCustomer(server));
  const client = server.client();
  expect((await signInWithPassword(client, c)).status).toBe(200);
  await enableSms(server, client, c, scope);
  return { customer: c, client };
}

/** メールアドレスの変更 (issue 16.4): the code sent to the new address, entered; the change takes effect. */
export async function confirmNewEmail(server: TestServer, client: HttpClient, email: string) {
  const mail = (await outbox(server, email)).find((m) => m.subject?.includes('メールアドレス確認コード'));
  const code = mail?.body.match(/確認コード: ([0-9]{6})/)?.[1];
  if (!code) throw new Error(`no confirmation code for ${email}`);
  rememberSecret(code);
  const confirmed = await client.post('/api/v1/settings/email/confirm', { code });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return confirmed.body;
}
