import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import { formatJst, queueNotice, withinTransaction } from '../kernel/notices.js';
import { recordAudit } from '../kernel/audit.js';
import type { CustomerRecord } from '../kernel/types.js';

/**
 * 取引パスワード, checked before any code is sent. Five wrong in a row lock trading for 30 minutes.
 * A second secret is not a second factor: it never replaces the code.
 */
export async function checkTradingPassword(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'hasher' | 'policy' | 'events' | 'firmName'>, customer: CustomerRecord, password: string): Promise<true | Failure> {
  const now = deps.clock.now();
  if (customer.tradingLockedUntil !== null && customer.tradingLockedUntil > now) {
    return fail('trading_locked', { retryAfter: Math.ceil((customer.tradingLockedUntil - now) / 1000) });
  }
  if (await deps.hasher.verify(customer.tradingPasswordHash, password)) {
    if (customer.tradingFailures > 0 || customer.tradingLockedUntil !== null) await deps.store.customers.resetTradingFailures(customer.id);
    return true;
  }
  const threshold = deps.policy.tradingLockThreshold;
  const failures = await deps.store.customers.countTradingFailure(customer.id);
  if (failures >= threshold) {
    const until = now + deps.policy.tradingLockMs;
    // The lock, its audit entry and the notice commit together (durable outbox).
    const locked = await withinTransaction(deps, async (deps) => {
      if (!(await deps.store.customers.lockTrading(customer.id, threshold, until))) return false;
      await recordAudit(deps, customer.id, 'trading_locked', { until: new Date(until).toISOString() }, 'system');
      await queueNotice(deps, customer, 'trading_locked', { until: formatJst(until) });
      return true;
    });
    if (locked) deps.events.lock('trading');
    return fail('trading_locked', { retryAfter: Math.ceil(deps.policy.tradingLockMs / 1000) });
  }
  return fail('invalid_trading_password', { attemptsLeft: threshold - failures });
}
