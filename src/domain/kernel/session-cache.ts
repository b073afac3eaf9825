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
  forgetSession(id: string): void;
  /** The customer's record and every session of the customer. */
  forgetCustomer(customerId: string): void;
  /** Forget everything (a revocation may have been missed). */
  clear(): void;
  /** Forget everything and serve nothing until `resume`: the revocation channel is down. */
  suspend(): void;
  resume(): void;
}

/** What a session write revoked: one session, or every session of one customer. */
export type SessionRevocation = { session: string } | { customer: string };

export function forget(cache: SessionCache, revocation: SessionRevocation): void {
  if ('session' in revocation) cache.forgetSession(revocation.session);
  else cache.forgetCustomer(revocation.customer);
}
