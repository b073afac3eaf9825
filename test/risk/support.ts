import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { PasswordHasher } from '../../src/domain/kernel/ports.js';
import type { CustomerRecord } from '../../src/domain/kernel/types.js';
import { requestHash } from '../../src/domain/money/ledger-keys.js';
import { executeOrder } from '../../src/domain/money/orders.js';
import { sortableId } from '../../src/domain/kernel/crypto.js';
import type { TestServer } from '../support/harness.js';
import { createCustomer, latestCode, type TestCustomer } from '../support/flows.js';

// Seeding for the risk scenarios: what happened before the scenario (a customer's sign-in history,
// holdings, past orders) is written directly through the domain and the store; the scenario itself
// (the attack) goes over HTTP.

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Addresses from the offline data (DB-IP / RouteViews, as shipped): what each one is. */
export const ADDRESSES = {
  /** Japanese residential ISPs (NTT, SoftBank): home. */
  homeTokyo: ['153.156.10.20', '60.32.0.10', '114.150.0.10', '180.0.0.10', '126.100.20.30'],
  /** A Japanese mobile carrier (KDDI). */
  mobileJapan: '106.128.0.10',
  /** Amazon (AWS) in Ashburn, US: a foreign hosting network. */
  foreignHosting: '3.80.0.1',
  /** Datacamp (a VPN exit) in Tokyo: a domestic hosting network. */
  domesticVpn: '89.187.160.1',
  /** A US residential ISP (Comcast): abroad, not hosting. */
  foreignResidential: '73.0.0.1',
  /** DigitalOcean in Amsterdam: where a credential-stuffing botnet rents addresses. */
  stuffingNetwork: (i: number) => `167.71.${Math.floor(i / 250)}.${(i % 250) + 1}`,
} as const;

export const BANK = { bankName: 'みずほ銀行', branchName: '本店', accountNumber: '1234567', holderName: 'テスト タロウ' };

/** A cheap hasher: the population's thousands of sign-ins measure the risk engine, not argon2. */
export function fastHasher(): PasswordHasher {
  const digest = (password: string) => `fake$${createHash('sha256').update(password).digest('hex')}`;
  return {
    hash: async (password) => digest(password),
    verify: async (hash, password) => hash === digest(password),
    verifyDummy: async () => {},
    needsRehash: () => false,
  };
}

export async function recordOf(server: TestServer, loginId: string): Promise<CustomerRecord> {
  const record = await server.kabuto.deps.store.customers.findByLoginId(loginId);
  expect(record).toBeDefined();
  return record!;
}

/** Past successful sign-ins, one a day at `hourJst`, ending the day before `now`. */
export async function seedSignIns(server: TestServer, customer: CustomerRecord, input: { address: string; hourJst: number; days: number; now: number }): Promise<void> {
  const { deps } = server.kabuto;
  const today = Math.floor((input.now + 9 * HOUR) / DAY) * DAY - 9 * HOUR;
  for (let d = input.days; d >= 1; d--) {
    const at = today - d * DAY + input.hourJst * HOUR;
    await deps.store.loginEvents.add({ id: sortableId(at, deps.random), customerId: customer.id, loginId: customer.loginId, at, address: input.address, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0', result: 'signed_in' });
  }
}

/** Orders made before the scenario (through the domain: no password, no risk check). */
export async function seedOrder(server: TestServer, customer: CustomerRecord, order: { symbol: string; side: 'buy' | 'sell'; quantity: number }): Promise<void> {
  const { deps } = server.kabuto;
  const outcome = await executeOrder(deps, server.kabuto.prices, customer, { ...order, idempotencyKey: `seed-${sortableId(deps.clock.now(), deps.random)}` }, requestHash(deps, 'order', order));
  expect(outcome).toMatchObject({ kind: 'done' });
}

export interface Victim {
  customer: TestCustomer;
  record: CustomerRecord;
}

/**
 * A customer of many years: SMS 2FA at sign-in (scope login), a bank account, holdings of two liquid
 * names and cash, signing in every evening from home in Tokyo.
 */
export async function seedVictim(server: TestServer, options: { lastSignInHoursAgo?: number } = {}): Promise<Victim> {
  const customer = await createCustomer(server, { cash: 3_000_000, bankAccount: BANK });
  let record = await recordOf(server, customer.loginId);
  const { deps } = server.kabuto;
  await deps.store.customers.update(record.id, { mfaMethod: 'sms', mfaScope: 'login', phoneVerified: true });
  const now = deps.clock.now();
  await seedSignIns(server, record, { address: ADDRESSES.homeTokyo[0], hourJst: 20, days: 14, now });
  if (options.lastSignInHoursAgo !== undefined) {
    const at = now - options.lastSignInHoursAgo * HOUR;
    await deps.store.loginEvents.add({ id: sortableId(at, deps.random), customerId: record.id, loginId: record.loginId, at, address: ADDRESSES.homeTokyo[0], userAgent: 'Mozilla/5.0 Chrome/130.0', result: 'signed_in' });
  }
  record = await recordOf(server, customer.loginId);
  await seedOrder(server, record, { symbol: '7203', side: 'buy', quantity: 300 });
  await seedOrder(server, record, { symbol: '6758', side: 'buy', quantity: 200 });
  return { customer, record: await recordOf(server, customer.loginId) };
}

/** The attacker's browser: every request through the (trusted) proxy from one address. */
export function attackerAt(server: TestServer, address: string) {
  const client = server.client({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0' });
  const headers = { 'x-forwarded-for': address };
  return {
    client,
    get: (path: string) => client.get(path, headers),
    post: (path: string, body: unknown = {}) => client.post(path, body, headers),
  };
}

export type Attacker = ReturnType<typeof attackerAt>;

/**
 * Phished password, then the code relayed from the victim's phone in real time (as the 2025 kits
 * did). Returns how the sign-in ended.
 */
export async function signInRelayingCode(server: TestServer, attacker: Attacker, victim: TestCustomer): Promise<'signed_in' | 'refused' | 'passkey_only' | 'other'> {
  const login = await attacker.post('/api/v1/login', { loginId: victim.loginId, password: victim.password });
  if (login.status === 403 && login.body.error === 'risk_refused') return 'refused';
  if (login.status === 200 && login.body.status === 'signed_in') return 'signed_in';
  if (login.status !== 200 || login.body.status !== 'second_factor_required') return 'other';
  const challenge = login.body.challenge as { id: string; methods: Array<{ type: string }> };
  if (!challenge.methods.some((m) => m.type === 'sms')) return 'passkey_only';
  const sent = await attacker.post(`/api/v1/challenges/${challenge.id}/sms`);
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const code = await latestCode(server, victim.phone!);
  const verified = await attacker.post(`/api/v1/challenges/${challenge.id}/verify`, { method: 'sms', code });
  return verified.status === 200 && verified.body.status === 'signed_in' ? 'signed_in' : 'other';
}

let keys = 0;
export const key = () => `risk-scenario-${process.pid}-${++keys}`;

/** Sell every holding at market; returns the statuses. */
export async function sellEverything(attacker: Attacker, victim: TestCustomer): Promise<number[]> {
  const account = await attacker.get('/api/v1/account');
  expect(account.status).toBe(200);
  const statuses: number[] = [];
  for (const h of account.body.holdings as Array<{ symbol: string; quantity: number }>) {
    const sold = await attacker.post('/api/v1/orders', { symbol: h.symbol, side: 'sell', quantity: h.quantity, tradingPassword: victim.tradingPassword, idempotencyKey: key() });
    statuses.push(sold.status);
  }
  return statuses;
}

/** Spend the available cash on the thinly traded foreign share the attackers pump. */
export async function buyIlliquid(attacker: Attacker, victim: TestCustomer): Promise<number> {
  const [account, instruments] = await Promise.all([attacker.get('/api/v1/account'), attacker.get('/api/v1/instruments')]);
  const price = (instruments.body as Array<{ symbol: string; price: number }>).find((i) => i.symbol === 'GLDP')!.price;
  const quantity = Math.max(1, Math.floor(account.body.cash.available / price));
  const bought = await attacker.post('/api/v1/orders', { symbol: 'GLDP', side: 'buy', quantity, tradingPassword: victim.tradingPassword, idempotencyKey: key() });
  return bought.status;
}

export async function withdrawEverything(attacker: Attacker, victim: TestCustomer): Promise<number> {
  const account = await attacker.get('/api/v1/account');
  const amount = account.body.cash.available as number;
  const withdrawn = await attacker.post('/api/v1/withdrawals', { amount, tradingPassword: victim.tradingPassword, idempotencyKey: key() });
  return withdrawn.status;
}

/** As the firm sees it afterwards: did the illiquid buy execute, did money leave (or start to)? */
export async function damageOf(server: TestServer, record: CustomerRecord): Promise<{ illiquidBought: boolean; moneyLeft: boolean }> {
  const { store } = server.kabuto.deps;
  const [orders, entries] = await Promise.all([store.money.listOrders(record.id, 200), store.money.listEntries(record.id, 200)]);
  return {
    illiquidBought: orders.some((o) => o.symbol === 'GLDP' && o.side === 'buy'),
    moneyLeft: entries.some((e) => e.kind === 'withdrawal'),
  };
}
