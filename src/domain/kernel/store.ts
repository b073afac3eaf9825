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
  PhoneType,
  Purpose,
  SessionRecord,
} from './types.js';
import type { MoneyStore } from './money-store.js';
import type { FactorStore } from './factor-store.js';
import type { NoticeQueueStore } from './notice-outbox.js';
import type { RiskStore } from './risk-store.js';
import type { ProtectionStore } from './protection-store.js';
import type { RecoveryStore } from './recovery-store.js';
import type { OperatorStore } from './operator-store.js';

export interface CustomerStore {
  findByLoginId(loginId: string): Promise<CustomerRecord | undefined>;
  findById(id: string): Promise<CustomerRecord | undefined>;
  /**
   * The customer of a signed-in request: from the process's session cache when it holds a copy
   * (forgotten at every write of the row, on every instance: customers-repo.ts), else read. A
   * decision that must see the row as of now reads `findById`.
   */
  findForSession(id: string): Promise<CustomerRecord | undefined>;
  /** False when the login ID is taken (in any letter case). */
  insert(customer: CustomerRecord): Promise<boolean>;
  update(id: string, patch: Partial<Omit<CustomerRecord, 'id' | 'loginId'>>): Promise<void>;
  /**
   * Reserve one password guess before it is hashed: counts it as a failure while the account is
   * not locked and fewer than `threshold` failures (finished or in flight) are counted. Undefined
   * when the account is locked or its guesses are all taken (also for an unknown id).
   */
  reserveLoginAttempt(id: string, threshold: number, now: number): Promise<{ failedLogins: number; lockCount: number } | undefined>;
  /**
   * What a password sign-in reads before its hash, with its guess reserved (as `reserveLoginAttempt`;
   * an unknown ID runs the same reservation, matching nothing): the customer by login ID, whether its
   * sign-in is frozen, and its last `lastSignIns` successful sign-ins, newest first (the risk engine's
   * history). One statement on PostgreSQL.
   */
  signInLookup(loginId: string, guess: { threshold: number; now: number }, lastSignIns: number, deviceHash?: string): Promise<SignInLookup>;
  /** Give back a reserved guess that was never judged (its hash could not run). */
  giveBackLoginAttempt(id: string): Promise<void>;
  /** Atomically add one failed sign-in; returns the new count and the locks so far. */
  countLoginFailure(id: string): Promise<{ failedLogins: number; lockCount: number }>;
  /** Lock when the count reached the threshold; only one concurrent caller wins (returns true). */
  lockLogin(id: string, threshold: number, expectedLockCount: number, until: number): Promise<boolean>;
  resetLoginFailures(id: string): Promise<void>;
  countTradingFailure(id: string): Promise<number>;
  lockTrading(id: string, threshold: number, until: number): Promise<boolean>;
  resetTradingFailures(id: string): Promise<void>;
  /** Keep a contact a change replaced: the cooling-off tells it of what happens in the window. */
  recordReplacedContact(customerId: string, contact: ReplacedContact): Promise<void>;
  /** Contacts replaced at or after `since`, newest first. */
  replacedContactsSince(customerId: string, since: number): Promise<ReplacedContact[]>;
}

export interface SignInLookup {
  customer: CustomerRecord | undefined;
  /** The guess reserved: the failures counted with it, and the locks so far; undefined when none was left. */
  reserved: { failedLogins: number; lockCount: number } | undefined;
  /** ログイン一時停止: since when sign-in is frozen, or null. */
  signInFrozenSince: number | null;
  lastSignIns: Array<Pick<LoginEvent, 'address' | 'at'>>;
  /** The client's device as this customer's known devices hold it (by the `deviceHash` asked for), if there. */
  device: KnownDeviceFacts | undefined;
  /** The customer asked for a notice at every sign-in, not only from new devices. */
  noticeOnEverySignIn: boolean;
}

export interface KnownDeviceFacts {
  lastSeenAt: number;
  /** Since when it is trusted: its trust's last renewal, or its first sign-in. */
  trustedSince: number;
}

export interface ReplacedContact {
  kind: 'email' | 'phone';
  /** An e-mail address, or a phone number in E.164. */
  value: string;
  phoneType: PhoneType | null;
  replacedAt: number;
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
  /** A send that may have gone out stays counted, but its resend wait does not start. */
  restartResendWait(id: string, codeHash: string, previousLastSentAt: number | null): Promise<void>;
  /**
   * Reserve one guess before it is checked: counts it while the challenge is pending and fewer than
   * `maxAttempts` guesses (finished or in flight) were taken. Undefined when none is left.
   */
  reserveAttempt(id: string, maxAttempts: number): Promise<{ attempts: number } | undefined>;
  /** pending → dead (its last guess was wrong). */
  kill(id: string): Promise<void>;
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
  /** The session with its customer's current credential version (read in the same statement). */
  findById(id: string): Promise<(SessionRecord & { customerCredentialVersion: number }) | undefined>;
  /**
   * A credential changed: in one transaction, bump the customer's credential version, carry the
   * current session (when given) over to it, and delete every other session. Returns the new version.
   * A session a racing sign-in inserts afterwards still carries the old version and is refused.
   */
  revokeOtherSessions(customerId: string, keepSessionId: string | null): Promise<number>;
  touch(id: string, now: number): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForCustomer(customerId: string, exceptId?: string): Promise<number>;
  /** The customer's sessions as stored (live or not), newest first: the sessions list (ログイン中の端末). */
  listForCustomer(customerId: string): Promise<SessionRecord[]>;
}

/** Counts of the events that reservations and records left (limits are taken through ReservationStore). */
export interface ThrottleStore {
  /** Events of `key` since then; with `atMost`, counted up to that many only (the work bounded whatever the volume). */
  count(key: string, since: number, atMost?: number): Promise<number>;
}

/**
 * Reserve before you act: a place in a limit (attempts, throttles, SMS caps, budgets) is taken
 * atomically before the work it limits, so no concurrency can pass a limit by even one; a place
 * whose work turned out not to count is given back. Places share the throttle's events, so
 * `ThrottleStore.count` sees reservations too.
 */
export interface ReservationStore {
  /** Take one of `limit` places of `key` in the window ending now; false when all are taken. */
  reserve(r: { key: string; id: string; now: number; windowMs: number; limit: number }): Promise<boolean>;
  /**
   * An event that limits nothing (counted for alerts only): inserted without a count or a lock, so a
   * system-wide key never serialises the requests that record it. Given back like a place.
   */
  record(r: { key: string; id: string; now: number }): Promise<void>;
  /** Give a place back. */
  release(id: string): Promise<void>;
}

export interface OutboxStore {
  add(message: OutboxMessage): Promise<void>;
  list(recipient: string | undefined, limit: number): Promise<OutboxMessage[]>;
}

export interface AuditStore {
  append(entry: { customerId: string | null; at: number; actor: string; action: string; detail: Record<string, unknown> }): Promise<AuditEntry>;
  listForCustomer(customerId: string, limit: number, beforeSeq?: number): Promise<AuditEntry[]>;
  /** When the customer's latest entry with one of these actions was written, if at or after `since`. */
  lastActionAt(customerId: string, actions: readonly string[], since: number): Promise<number | null>;
  listAll(afterSeq: number, limit: number): Promise<AuditEntry[]>;
}

export interface LoginEventStore {
  add(event: LoginEvent): Promise<void>;
  list(customerId: string, limit: number, beforeAt?: number): Promise<LoginEvent[]>;
  /** Where and when the customer's latest successful sign-ins were, newest first (the risk engine's history). */
  lastSignIns(customerId: string, limit: number): Promise<Array<Pick<LoginEvent, 'address' | 'at'>>>;
}

export interface Store {
  customers: CustomerStore;
  challenges: ChallengeStore;
  sessions: SessionStore;
  throttle: ThrottleStore;
  reservations: ReservationStore;
  outbox: OutboxStore;
  audit: AuditStore;
  loginEvents: LoginEventStore;
  money: MoneyStore;
  factors: FactorStore;
  /** The durable outbox of notices (notice-outbox.ts). */
  notices: NoticeQueueStore;
  /** The risk engine's decisions and held orders and withdrawals (risk-store.ts). */
  risk: RiskStore;
  /** Freezes, freeze codes and operators' alerts (src/domain/protection). */
  protection: ProtectionStore;
  /** Forgotten passwords and login IDs (src/domain/recovery). */
  recovery: RecoveryStore;
  /** The back office: operators, service tokens, approvals, the passkey migration (operator-store.ts). */
  operators: OperatorStore;
  ping(): Promise<void>;
  /**
   * Run `work` in one database transaction, against a store bound to it: a change, its audit entry
   * and its notice commit together or not at all. Inside, use only the store passed in (SQLite has
   * one connection: the outer store would wait for the transaction that waits for it).
   */
  transaction<T>(work: (store: Store) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface TransactionOptions {
  /**
   * The work reads nothing back from its inserts (no value the database makes, no row count, no
   * error it handles itself): the store may send them with a later statement or the commit, in one
   * round trip. One that fails fails the commit, and nothing of the transaction is kept, as ever.
   * Ignored when the transaction joins an outer one.
   */
  insertsUnread?: boolean;
}
