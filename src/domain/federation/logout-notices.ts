import type { Deps } from '../kernel/context.js';
import { sortableId } from '../kernel/crypto.js';
import { recordAudit } from '../kernel/audit.js';
import { fail, type Failure } from '../kernel/errors.js';
import { retryDelay, type DeliveryPolicy } from '../kernel/notice-outbox.js';
import type { LogoutNotice, LogoutNoticeStore } from './ports.js';

// Back-channel logout, durable (docs/oidc.md, "Logout"): a logout token owed to a relying party is first
// written down (one row per relying party and provider session), then sent by the single-logout sweep;
// a relying party that refuses it, or does not answer within the time-out, gets it again with exponential
// back-off, from whichever instance sweeps next, after a restart too. Each attempt mints a fresh logout
// token (new jti, iat). After the last attempt the notice is kept as `dead` and an operator alerted.

export interface LogoutPolicy extends DeliveryPolicy {
  /** One attempt's limit, the library's own 2.5 s HTTP time-out included (the lease is longer than a round). */
  timeoutMs: number;
}

export const LOGOUT_POLICY: LogoutPolicy = { maxAttempts: 10, baseDelayMs: 5_000, maxDelayMs: 15 * 60_000, leaseMs: 120_000, batch: 20, parallel: 1, timeoutMs: 5_000 };

/** Sends one logout token (the provider library signs it and posts it); throws when the relying party did not take it. */
export type LogoutSender = (notice: Pick<LogoutNotice, 'clientId' | 'sub' | 'sid'>) => Promise<void>;

type NoticeDeps = Pick<Deps, 'clock' | 'random'>;

/**
 * Writes down a logout token owed to `clientId` for the provider session `sid`: due now, or, when a first
 * attempt already failed (the library's own send at RP-initiated logout), due after the first back-off.
 */
export async function queueLogoutNotice(deps: NoticeDeps, store: LogoutNoticeStore, notice: { clientId: string; sub: string; sid: string }, failedOnce?: string, policy: LogoutPolicy = LOGOUT_POLICY): Promise<void> {
  const now = deps.clock.now();
  await store.queue({
    id: sortableId(now, deps.random),
    ...notice,
    attempts: failedOnce === undefined ? 0 : 1,
    createdAt: now,
    nextAttemptAt: failedOnce === undefined ? now : now + retryDelay(policy, 1, deps.random),
    lastError: failedOnce ?? null,
  });
}

function timeLimit<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** One round: every due notice claimed here is sent once; returns how many were attempted. */
export async function deliverLogoutNotices(deps: Pick<Deps, 'clock' | 'random' | 'logger'>, store: LogoutNoticeStore, send: LogoutSender, policy: LogoutPolicy = LOGOUT_POLICY): Promise<number> {
  const now = deps.clock.now();
  const claimed = await store.claimDue(now, now + policy.leaseMs, policy.batch);
  for (const notice of claimed) {
    try {
      await timeLimit(send(notice), policy.timeoutMs);
      await store.delivered(notice.id);
    } catch (error) {
      const attempts = notice.attempts + 1;
      const reason = error instanceof Error ? error.message : String(error);
      const dead = attempts >= policy.maxAttempts;
      await store.failed(notice.id, attempts, dead ? null : deps.clock.now() + retryDelay(policy, attempts, deps.random), reason.slice(0, 500));
      if (dead) deps.logger.error({ alert: 'oidc_logout_dead', clientId: notice.clientId, attempts, reason }, 'back-channel logout: the relying party never took the logout token; given up');
      else deps.logger.warn({ clientId: notice.clientId, attempts, reason }, 'back-channel logout: the relying party did not take the logout token; retrying');
    }
  }
  return claimed.length;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The logout tokens still owed, for the security desk: pending ones (with their next attempt) and dead
 * ones (every attempt refused: the relying party's session may still be open — call the firm running it).
 */
export async function listLogoutNotices(store: LogoutNoticeStore, options: { status?: 'pending' | 'dead'; limit: number }) {
  const notices = await store.list(options);
  return notices.map((n) => ({ id: n.id, clientId: n.clientId, sid: n.sid, status: n.status, attempts: n.attempts, createdAt: iso(n.createdAt), nextAttemptAt: n.status === 'pending' ? iso(n.nextAttemptAt) : null, lastError: n.lastError }));
}

/** A dead notice sent again from the start (the relying party is back): pending, due now; audited. */
export async function reviveLogoutNotice(deps: Pick<Deps, 'store' | 'clock' | 'random'>, store: LogoutNoticeStore, id: string, actor: string): Promise<{ status: 'pending' } | Failure> {
  if (!(await store.revive(id, deps.clock.now()))) return fail('not_found');
  await recordAudit(deps, null, 'oidc_logout_revived', { notice: id }, actor);
  return { status: 'pending' };
}

/** A dead notice given up for good (the relying party is gone); audited. */
export async function dropLogoutNotice(deps: Pick<Deps, 'store' | 'clock' | 'random'>, store: LogoutNoticeStore, id: string, actor: string): Promise<{ status: 'dropped' } | Failure> {
  if (!(await store.dropDead(id))) return fail('not_found');
  await recordAudit(deps, null, 'oidc_logout_dropped', { notice: id }, actor);
  return { status: 'dropped' };
}
