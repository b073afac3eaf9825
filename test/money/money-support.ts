import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import type { HttpClient } from '../support/http-client.js';
import type { TestServer } from '../support/harness.js';
import { createCustomer, signedInWithSms, signInWithPassword, type TestCustomer } from '../support/flows.js';

// Journeys and checks the money tests share.

export const BANK = { bankName: 'みずほ銀行', branchName: '兜町支店', accountNumber: '1234567', holderName: 'カブト タロウ' };

let keys = 0;
export function newKey(label = 'k'): string {
  keys += 1;
  return `${label}-${process.pid}-${Date.now()}-${keys}`;
}

/** A signed-in customer with opening cash and a bank account; SMS with scope `all` when asked. */
export async function moneyCustomer(server: TestServer, options: { cash?: number; mfa?: boolean; bankAccount?: unknown | null } = {}) {
  const customer = await createCustomer(server, {
    cash: options.cash ?? 1_000_000,
    ...(options.bankAccount === null ? {} : { bankAccount: options.bankAccount ?? BANK }),
  });
  if (options.mfa) return signedInWithSms(server, customer, 'all');
  const client = server.client();
  expect((await signInWithPassword(client, customer)).status).toBe(200);
  return { customer, client };
}

export function withdraw(client: HttpClient, customer: TestCustomer, amount: unknown, extra: Record<string, unknown> = {}) {
  return client.post('/api/v1/withdrawals', { amount, tradingPassword: customer.tradingPassword, idempotencyKey: newKey('w'), ...extra });
}

export function order(client: HttpClient, customer: TestCustomer, symbol: string, side: 'buy' | 'sell', quantity: unknown, extra: Record<string, unknown> = {}) {
  return client.post('/api/v1/orders', { symbol, side, quantity, tradingPassword: customer.tradingPassword, idempotencyKey: newKey('o'), ...extra });
}

export async function available(client: HttpClient): Promise<number> {
  const account = await client.get('/api/v1/account');
  expect(account.status).toBe(200);
  return account.body.cash.available;
}

/**
 * The ledger invariants, read straight from the database (a Kysely with CamelCasePlugin, as src/store opens it) for every customer: the balance row is
 * the sum of the entries and the last entry's running balance, nothing is negative, and holdings
 * are the signed sum of the executed orders.
 */
export async function checkLedgerInvariants(db: Kysely<any>): Promise<void> {
  const accounts = await db.selectFrom('cashAccounts').selectAll().execute();
  for (const account of accounts) {
    const entries = await db.selectFrom('ledgerEntries').selectAll().where('customerId', '=', account.customerId).orderBy('seq').execute();
    const sum = entries.reduce((total, e) => total + Number(e.amount), 0);
    expect(Number(account.available), `balance of ${account.customerId}`).toBe(sum);
    expect(Number(account.available)).toBeGreaterThanOrEqual(0);
    let running = 0;
    for (const e of entries) {
      running += Number(e.amount);
      expect(Number(e.balanceAfter), `running balance at seq ${e.seq}`).toBe(running);
      expect(running).toBeGreaterThanOrEqual(0);
    }
  }
  const holdings = await db.selectFrom('holdings').selectAll().execute();
  for (const h of holdings) {
    const orders = await db.selectFrom('orders').selectAll().where('customerId', '=', h.customerId).where('symbol', '=', h.symbol).execute();
    const net = orders.reduce((total, o) => total + (o.side === 'buy' ? 1 : -1) * Number(o.quantity), 0);
    expect(Number(h.quantity), `holding ${h.symbol}`).toBe(net);
  }
  const withdrawals = await db.selectFrom('withdrawals').selectAll().execute();
  for (const w of withdrawals) {
    const entry = await db.selectFrom('ledgerEntries').selectAll().where('reference', '=', w.id).executeTakeFirst();
    expect(entry && Number(entry.amount), `ledger entry of withdrawal ${w.id}`).toBe(-Number(w.amount));
  }
}
