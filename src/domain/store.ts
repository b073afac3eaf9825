// The persistence the domain needs, as interfaces. src/store implements them once for SQLite and
// PostgreSQL. Every check-and-change that must hold across processes is one method here, done
// atomically in the store (a conditional UPDATE), never read-check-write in the domain.

import type {
  AuditEntry,
  ChallengeRecord,
  CodeChannel,
  CustomerRecord,
  LoginEvent,
  OutboxMessage,
  Purpose,
  SessionRecord,
} from './types.js';
import type { MoneyStore } from './money-store.js';
import type { FactorStore } from './factor-store.js';
import type { NoticeQueueStore } from './notice-outbox.js';

export interface CustomerStore {
  findByLoginId(loginId: string): Promise<CustomerRecord | undefined>;
  findById(id: string): Promise<CustomerRecord | undefined>;
  /** False when the login ID is taken. */
  insert(customer: CustomerRecord): Promise<boolean>;
  update(id: string, patch: Partial<Omit<CustomerRecord, 'id' | 'loginId'>>): Promise<void>;
  /** Atomically add one failed sign-in; returns the new count and the locks so far. */
  countLoginFailure(id: string): Promise<{ failedLogins: number; lockCount: number }>;
  /** Lock when the count reached the threshold; only one concurrent caller wins (returns true). */
  lockLogin(id: string, threshold: number, expectedLockCount: number, until: number): Promise<boolean>;
  resetLoginFailures(id: string): Promise<void>;
  countTradingFailure(id: string): Promise<number>;
  lockTrading(id: string, threshold: number, until: number): Promise<boolean>;
  resetTradingFailures(id: string): Promise<void>;
}

export interface SendReservation {
  now: number;
  minIntervalMs: number;
  maxSends: number;
  codeHash: string;
  codeExpiresAt: number;
  channel: CodeChannel;
}

export interface ChallengeStore {
  insert(challenge: ChallengeRecord): Promise<void>;
  findById(id: string): Promise<ChallengeRecord | undefined>;
  /** Store a fresh code if the resend interval and the per-challenge cap allow it. */
  reserveSend(id: string, r: SendReservation): Promise<boolean>;
  /** Undo a reservation whose message could not be sent: it counts nothing against the customer. */
  releaseSend(id: string, codeHash: string, previous: { sends: number; lastSentAt: number | null }): Promise<void>;
  /** One wrong attempt; kills the challenge at maxAttempts. Undefined when it was not pending. */
  countWrongAttempt(id: string, maxAttempts: number): Promise<{ attempts: number; status: string } | undefined>;
  /** pending → `to` when the code matches and is fresh; exactly one concurrent caller wins. */
  acceptCode(id: string, codeHash: string, now: number, to: 'verified' | 'used'): Promise<boolean>;
  /** pending → `to` for factors without a stored code (passkey, TOTP). */
  acceptFactor(id: string, now: number, to: 'verified' | 'used'): Promise<boolean>;
  /** verified → used, for exactly this customer, purpose and content; one caller wins. */
  consume(id: string, match: { customerId: string; purpose: Purpose; contentHash: string; now: number }): Promise<boolean>;
  countDeadSince(customerId: string, since: number): Promise<number>;
}

export interface SessionStore {
  insert(session: SessionRecord): Promise<void>;
  findById(id: string): Promise<SessionRecord | undefined>;
  touch(id: string, now: number): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForCustomer(customerId: string, exceptId?: string): Promise<number>;
}

export interface ThrottleStore {
  add(key: string, at: number): Promise<void>;
  count(key: string, since: number): Promise<number>;
  /** Drop one event of the key at `at` (a send that the provider refused). */
  remove(key: string, at: number): Promise<void>;
}

export interface OutboxStore {
  add(message: OutboxMessage): Promise<void>;
  list(recipient: string | undefined, limit: number): Promise<OutboxMessage[]>;
}

export interface AuditStore {
  append(entry: { customerId: string | null; at: number; actor: string; action: string; detail: Record<string, unknown> }): Promise<AuditEntry>;
  listForCustomer(customerId: string, limit: number, beforeSeq?: number): Promise<AuditEntry[]>;
  listAll(afterSeq: number, limit: number): Promise<AuditEntry[]>;
}

export interface LoginEventStore {
  add(event: LoginEvent): Promise<void>;
  list(customerId: string, limit: number, beforeAt?: number): Promise<LoginEvent[]>;
  /** The last successful sign-in before the current one. */
  lastSignIns(customerId: string, limit: number): Promise<LoginEvent[]>;
}

export interface Store {
  customers: CustomerStore;
  challenges: ChallengeStore;
  sessions: SessionStore;
  throttle: ThrottleStore;
  outbox: OutboxStore;
  audit: AuditStore;
  loginEvents: LoginEventStore;
  money: MoneyStore;
  factors: FactorStore;
  /** The durable outbox of notices (notice-outbox.ts). */
  notices: NoticeQueueStore;
  ping(): Promise<void>;
  /**
   * Run `work` in one database transaction, against a store bound to it: a change, its audit entry
   * and its notice commit together or not at all. Inside, use only the store passed in (SQLite has
   * one connection: the outer store would wait for the transaction that waits for it).
   */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
}
