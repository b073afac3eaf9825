import { expect } from 'vitest';
import type { HttpClient } from '../support/http-client.js';
import type { TestServer } from '../support/harness.js';
import { outbox, type TestCustomer } from '../support/flows.js';
import { rememberSecret } from '../support/known-secrets.js';

// The journeys the protection tests share: money moves that a freeze may refuse, and notice freeze codes.

let keys = 0;
const key = () => `k-${process.pid}-${++keys}`;

export const order = (client: HttpClient, customer: TestCustomer) =>
  client.post('/api/v1/orders', { symbol: '7203', side: 'buy', quantity: 1, tradingPassword: customer.tradingPassword, idempotencyKey: key() });

export const withdrawal = (client: HttpClient, customer: TestCustomer, amount = 1000) =>
  client.post('/api/v1/withdrawals', { amount, tradingPassword: customer.tradingPassword, idempotencyKey: key() });

export const bankChange = (client: HttpClient, customer: TestCustomer) =>
  client.put('/api/v1/settings/profile', {
    bankAccount: { bankName: '三井住友銀行', branchName: '新宿', accountNumber: '7654321', holderName: 'テスト タロウ' },
    tradingPassword: customer.tradingPassword,
  });

export const addressChange = (client: HttpClient, customer: TestCustomer) =>
  client.put('/api/v1/settings/profile', { address: '東京都千代田区1-1', tradingPassword: customer.tradingPassword });

/** The freeze code of the newest notice e-mail to this address. */
export async function latestFreezeCode(server: TestServer, email: string): Promise<string> {
  const mails = await outbox(server, email);
  const code = mails.map((m) => m.body.match(/Freeze code: ([A-Z0-9]{5}-[A-Z0-9]{5})/)?.[1]).find((c) => c !== undefined);
  expect(code, 'a freeze code in a notice').toBeDefined();
  rememberSecret(code!);
  return code!;
}

export function expectFrozen(response: { status: number; body: any }, level: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(423);
  expect(response.body).toMatchObject({ error: 'account_frozen', level });
}
