import type { KeptBalances } from './money-store.js';
import type { CustomerRecord, SessionRecord } from './types.js';

/** A session as the store reads it: the record and its customer's current credential version. */
export type StoredSession = SessionRecord & { customerCredentialVersion: number };

/**
 * A process-local copy of recently read sessions (the port; `src/adapters/session-cache.ts` implements
 * it). It only saves the read: `resolveSession` still checks the secret, the credential version, the
 * idle and the absolute limit on every request, from the copy and the clock.
 *
 * It must never serve a session after its revocation: the store forgets a session (or all of a
 * customer's) at every write that ends or changes one, and tells the other instances (PostgreSQL
 * LISTEN/NOTIFY, sent in the committing transaction). A read that raced a revocation is not kept
 * (`mark`), and while the revocation channel is down the cache serves nothing (`suspend`).
 *
 * It also keeps the customers of the sessions it serves (`getCustomer`/`setCustomer`), under the same
 * rules: the customers repository forgets a customer (and tells the other instances) at EVERY write
 * of its row, so a signed-in read never needs a second query and never sees a row older than the
 * last committed write this instance has heard of.
 *
 * And it keeps the balances of those customers (`getBalances`/`setBalances`, the account page's read),
 * under the same rules again: every movement (deposit, withdrawal, its cancellation, order) forgets the
 * customer's balances here and, on PostgreSQL, tells the other instances in its own transaction.
 */
export interface SessionCache {
  /** A copy of the cached session, or undefined (not cached, older than the cache's time-to-live, suspended). */
  get(id: string): StoredSession | undefined;
  /** Taken before reading the store: `set` drops a read that began before any later forget. */
  mark(): number;
  set(id: string, session: StoredSession, mark: number): void;
  /** The session's last use was written: the copy follows. */
  touched(id: string, lastSeenAt: number): void;
  /** A copy of the cached customer record, or undefined (as `get`). */
  getCustomer(customerId: string): CustomerRecord | undefined;
  setCustomer(customer: CustomerRecord, mark: number): void;
  /** A copy of the customer's kept balances, or undefined (as `get`). */
  getBalances(customerId: string): KeptBalances | undefined;
  setBalances(customerId: string, balances: KeptBalances, mark: number): void;
  forgetSession(id: string): void;
  /** The customer's record, balances and every session of the customer. */
  forgetCustomer(customerId: string): void;
  /** The customer's balances (a movement). */
  forgetBalances(customerId: string): void;
  /** Forget everything (a revocation may have been missed). */
  clear(): void;
  /** Forget everything and serve nothing until `resume`: the revocation channel is down. */
  suspend(): void;
  resume(): void;
}

/** What a write revoked: one session, every session of one customer (and its record), or a customer's balances. */
export type SessionRevocation = { session: string } | { customer: string } | { balances: string };

export function forget(cache: SessionCache, revocation: SessionRevocation): void {
  if ('session' in revocation) cache.forgetSession(revocation.session);
  else if ('customer' in revocation) cache.forgetCustomer(revocation.customer);
  else cache.forgetBalances(revocation.balances);
}
