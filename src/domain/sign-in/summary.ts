import type { Deps } from '../kernel/context.js';
import type { LoginEvent } from '../kernel/types.js';

// マイページ: the sign-in before this session's, and what happened in between (wrong passwords or codes,
// locks) — the customer's best chance to notice someone trying their account.

const FAILED = new Set(['invalid_credentials', 'second_factor_failed', 'locked']);

export async function signInSummary(deps: Pick<Deps, 'store'>, customerId: string, sessionCreatedAt: number) {
  const [events, audit] = await Promise.all([deps.store.loginEvents.list(customerId, 200), deps.store.audit.listForCustomer(customerId, 100)]);
  return summariseSignIns(events, audit, sessionCreatedAt);
}

/**
 * The newest sign-in at or before this session was made is its own (a later one is another browser's); the
 * one after it in the list is the previous sign-in. Failures and locks between the two are counted.
 */
export function summariseSignIns(events: LoginEvent[], audit: Array<{ action: string; at: number }>, sessionCreatedAt: number) {
  const current = events.findIndex((e) => e.result === 'signed_in' && e.at <= sessionCreatedAt);
  const previousIndex = current < 0 ? -1 : events.findIndex((e, i) => i > current && e.result === 'signed_in');
  const previous = previousIndex < 0 ? null : events[previousIndex]!;
  const between = current < 0 ? [] : events.slice(current + 1, previousIndex < 0 ? events.length : previousIndex);
  const since = previous?.at ?? -Infinity;
  return {
    previous: previous && { at: new Date(previous.at).toISOString(), address: previous.address, userAgent: previous.userAgent },
    failedSince: between.filter((e) => FAILED.has(e.result)).length,
    locksSince: audit.filter((a) => a.action === 'login_locked' && a.at > since && a.at <= sessionCreatedAt).length,
  };
}
