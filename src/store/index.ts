import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Store } from '../domain/kernel/store.js';
import { forget, type SessionCache, type SessionRevocation } from '../domain/kernel/session-cache.js';
import { createAuditRepo } from './audit-repo.js';
import { INSERTS_UNREAD } from './pg-batch.js';
import { createChallengeRepo } from './challenges-repo.js';
import { createCustomerRepo } from './customers-repo.js';
import type { DatabaseHandle } from './database.js';
import { createLoginEventRepo, createOutboxRepo, createThrottleRepo } from './events-repos.js';
import { createReservationRepo } from './reservations-repo.js';
import { createSessionRepo } from './sessions-repo.js';
import { createMoneyRepo } from './money-repo.js';
import { createFactorRepo } from './factors-repo.js';
import { createNoticeQueueRepo } from './notice-queue-repo.js';
import { createRiskRepo } from './risk-repo.js';
import { createProtectionRepo } from './protection-repo.js';
import { createRecoveryRepo } from './recovery-repo.js';

/**
 * SQLite: no one tells this process what another revoked (a rolling restart runs two on one file;
 * one owns it otherwise): before a read served from the cache, the cache is emptied if another
 * process committed to the file since the last look (`PRAGMA data_version`, a prepared statement).
 * The look costs a read of the WAL index (tens of microseconds, a quarter of a cached read's CPU when
 * taken at every read): it is taken at most once per `lookEveryMs` (1 ms), so another process's
 * revocation is seen by reads that start at most 1 ms after its commit. This process's own writes are
 * forgotten at once, as ever.
 */
export function watchOtherProcesses(othersCommits: (() => number) | undefined, cache: SessionCache | undefined, lookEveryMs = 1, now: () => number = () => performance.now()): (() => void) | undefined {
  if (!cache || !othersCommits) return undefined;
  let seen: number | undefined;
  let lookedAt = -Infinity;
  return () => {
    const at = now();
    if (at - lookedAt < lookEveryMs) return;
    lookedAt = at;
    const version = othersCommits();
    if (version !== seen) cache.clear();
    seen = version;
  };
}
import { createOperatorRepo, forgetCohorts, newCohortCache, type CohortCache } from './operator-repo.js';

export function createStore(handle: DatabaseHandle, hooks: StoreHooks = {}): Store {
  const { db } = handle;
  // One per process (shared with the stores of its transactions): the migration's cohorts (operator-repo.ts).
  const cohortCache = hooks.cohortCache ?? newCohortCache();
  const cached = { dialect: handle.dialect, cache: hooks.sessionCache, committed: hooks.committedRevocations, beforeCachedRead: hooks.beforeCachedRead ?? watchOtherProcesses(handle.othersCommits, hooks.sessionCache) };
  const store: Store = {
    customers: createCustomerRepo(db, cached),
    challenges: createChallengeRepo(db),
    sessions: createSessionRepo(db, cached),
    throttle: createThrottleRepo(db),
    reservations: createReservationRepo(db, handle.dialect),
    outbox: createOutboxRepo(db),
    audit: createAuditRepo(db),
    loginEvents: createLoginEventRepo(db),
    money: createMoneyRepo(db, cached),
    factors: createFactorRepo(db),
    notices: createNoticeQueueRepo(db, handle.dialect),
    risk: createRiskRepo(db),
    protection: createProtectionRepo(db, handle.dialect),
    recovery: createRecoveryRepo(db),
    operators: createOperatorRepo(db, cohortCache),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async transaction(work, options = {}) {
      // Already inside one (a repo opened it): join it.
      if (db.isTransaction) return work(store);
      const committed: SessionRevocation[] = [];
      const cohortsBefore = cohortCache.generation;
      const result = await db.transaction().execute(async (trx) => {
        // PostgreSQL: the connection holds the inserts back until the next statement (pg-batch.ts); no round trip.
        if (options.insertsUnread && handle.dialect === 'postgres') await sql.raw(INSERTS_UNREAD).execute(trx);
        return work(createStore({ ...handle, db: trx }, { sessionCache: hooks.sessionCache, committedRevocations: committed, cohortCache, beforeCachedRead: cached.beforeCachedRead }));
      });
      // A read that raced the transaction may have cached what it revoked: forget it again now.
      if (hooks.sessionCache) for (const revocation of committed) forget(hooks.sessionCache, revocation);
      // The same for the cohorts, when the transaction changed them.
      if (cohortCache.generation !== cohortsBefore) forgetCohorts(cohortCache);
      hooks.afterCommit?.();
      return result;
    },
  };
  if (hooks.afterCommit) {
    // A withdrawal queues its notice in its own transaction.
    const { withdraw } = store.money;
    store.money = {
      ...store.money,
      async withdraw(movement) {
        const result = await withdraw(movement);
        if (result.status === 'done') hooks.afterCommit?.();
        return result;
      },
    };
    // A notice queued outside a transaction is committed at once: wake the sender.
    const { enqueue } = store.notices;
    store.notices = {
      ...store.notices,
      async enqueue(notice) {
        await enqueue(notice);
        hooks.afterCommit?.();
      },
    };
  }
  return store;
}

export interface StoreHooks {
  /** Called after a transaction commits or a notice is queued outside one (wakes the notice sender). */
  afterCommit?: () => void;
  /** The process's session cache: the sessions repository reads through it and forgets what it revokes. */
  sessionCache?: SessionCache;
  /** Inside a transaction: where the sessions repository lists what it revoked (forgotten again after commit). */
  committedRevocations?: SessionRevocation[];
  /** The look at other processes' commits (SQLite), shared with the stores of its transactions. */
  beforeCachedRead?: (() => void) | undefined;
  /** The process's copy of the passkey migration's cohorts (operator-repo.ts), shared with its transactions' stores. */
  cohortCache?: CohortCache;
}
