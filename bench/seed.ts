import { createHash, randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { createArgon2Hasher } from '../src/adapters/argon2-hasher.js';
import { createCustomer } from '../src/domain/customers/customers.js';
import { deriveSecrets } from '../src/domain/kernel/crypto.js';
import { isFailure } from '../src/domain/kernel/errors.js';
import type { PasswordHasher } from '../src/domain/kernel/ports.js';
import { createSession } from '../src/domain/sessions/sessions.js';
import { createKabuto } from '../src/kabuto.js';

// The customers and sessions the bench needs, written straight into the database before the
// server starts, through the domain's own createCustomer. Two real argon2id hashes are made (the
// login and the trading password) and reused for every customer: creating thousands through the
// admin API would cost two hashes each and minutes of the run.

export const PASSWORD = 'bench sign-in password 7Qx!';
export const TRADING_PASSWORD = 'bench trading 9Zk';
const BANK = { bankName: 'ベンチ銀行', branchName: '本店', accountNumber: '1234567', holderName: 'ベンチ タロウ' };

export interface SeedCounts {
  /** Password-only customers (MFA off): sign-in, reads, withdrawals. */
  plain: number;
  /** SMS 2FA customers, each with its own mobile number (10 codes per customer and per number an hour). */
  twoFactor: number;
  /** Customers to receive wrong passwords (4 each: the 5th would lock). */
  wrong: number;
  /** Customers locked out. */
  locked: number;
  /** Sessions left in the database besides the bench's own: the memory figure's "live sessions". */
  fillerSessions: number;
}

export interface Seeded {
  plain: string[];
  /** login ID and E.164 phone. */
  twoFactor: Array<{ loginId: string; phone: string }>;
  wrong: string[];
  locked: string[];
  /** Session cookies (name=value) of plain customers, one per customer. */
  cookies: string[];
}

export async function seedKabuto(env: Record<string, string>, counts: SeedCounts): Promise<Seeded> {
  const config = loadConfig(env);
  const real = createArgon2Hasher({ pepper: deriveSecrets(config.secret).pepper });
  const memo = new Map<string, Promise<string>>();
  const hasher: PasswordHasher = {
    ...real,
    hash: (password) => {
      if (!memo.has(password)) memo.set(password, real.hash(password));
      return memo.get(password)!;
    },
  };
  const kabuto = await createKabuto(config, { hasher });
  const { deps } = kabuto;
  const stamp = randomBytes(3).toString('hex');
  let n = 0;
  const ids: string[] = [];
  const make = async (prefix: string, extra: { phone?: string; bankAccount?: typeof BANK; cash?: number } = {}) => {
    n++;
    const customer = await createCustomer(deps, {
      loginId: `${prefix}${stamp}${n}`,
      name: 'ベンチ 顧客',
      email: `${prefix}${stamp}${n}@bench.example.jp`,
      password: PASSWORD,
      tradingPassword: TRADING_PASSWORD,
      ...(extra.phone ? { phone: extra.phone } : {}),
      ...(extra.bankAccount ? { bankAccount: extra.bankAccount } : {}),
    });
    if (isFailure(customer)) throw new Error(`seed: ${customer.code} ${JSON.stringify(customer.fields)}`);
    if (extra.cash) await kabuto.hooks.onInitialCash(customer, extra.cash);
    ids.push(customer.id);
    return customer;
  };

  const seeded: Seeded = { plain: [], twoFactor: [], wrong: [], locked: [], cookies: [] };
  for (let i = 0; i < counts.plain; i++) {
    const customer = await make('plain', { bankAccount: BANK, cash: 1_000_000_000 });
    seeded.plain.push(customer.loginId);
    const { token } = await createSession(deps, customer, { address: '127.0.0.1', userAgent: 'kabuto-bench' });
    seeded.cookies.push(`kabuto_session=${token}`);
  }
  for (let i = 0; i < counts.twoFactor; i++) {
    const national = phoneNumber(i);
    const customer = await make('mfa', { phone: national });
    // As after the customer turned SMS on with a code (the journey the API tests walk).
    await deps.store.customers.update(customer.id, { mfaMethod: 'sms', mfaScope: 'login', phoneVerified: true, updatedAt: deps.clock.now() });
    seeded.twoFactor.push({ loginId: customer.loginId, phone: customer.phone! });
  }
  for (let i = 0; i < counts.wrong; i++) seeded.wrong.push((await make('wrong')).loginId);
  for (let i = 0; i < counts.locked; i++) {
    const customer = await make('locked');
    await deps.store.customers.update(customer.id, { failedLogins: 5, lockCount: 1, lockedUntil: deps.clock.now() + 24 * 3600_000, updatedAt: deps.clock.now() });
    seeded.locked.push(customer.loginId);
  }
  await insertFillerSessions(kabuto.database.db, ids, counts.fillerSessions);
  await kabuto.close();
  return seeded;
}

/** Distinct domestic mobile numbers, 090-xxxx-xxxx. */
function phoneNumber(i: number): string {
  const digits = String(10_000_000 + (i % 89_999_999)).padStart(8, '0');
  return `090-${digits.slice(0, 4)}-${digits.slice(4)}`;
}

type Db = Awaited<ReturnType<typeof createKabuto>>['database']['db'];

/** Live sessions of other customers, as a busy day leaves them: rows the session lookups must skip. */
async function insertFillerSessions(db: Db, customerIds: string[], count: number): Promise<void> {
  if (customerIds.length === 0 || count === 0) return;
  const now = Date.now();
  const batch = 500;
  for (let done = 0; done < count; done += batch) {
    const rows = Array.from({ length: Math.min(batch, count - done) }, (_, i) => ({
      id: randomBytes(16).toString('base64url'),
      secretHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
      customerId: customerIds[(done + i) % customerIds.length]!,
      createdAt: now,
      lastSeenAt: now,
      address: '192.0.2.1',
      userAgent: 'filler',
    }));
    await db.insertInto('sessions').values(rows).execute();
  }
}
