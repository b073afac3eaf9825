import type { Deps } from '../kernel/context.js';
import { recordAudit } from '../kernel/audit.js';
import { sortableId } from '../kernel/crypto.js';
import { fail, type Failure } from '../kernel/errors.js';
import { freezeCodeHash, queueNotice, withinTransaction } from '../kernel/notices.js';
import type { OperatorAlert } from '../kernel/protection-store.js';
import { release, reserve } from '../kernel/reservations.js';
import type { CustomerRecord } from '../kernel/types.js';
import { endAllSessions } from '../sessions/sessions.js';
import { freeze, type FreezeLevel } from './freeze.js';

// 「心当たりがない」 (issue 16.3) and the freeze code of every notice e-mail (issue 16.2).

/**
 * "This wasn't me": withdrawals frozen, every session ended, every known device untrusted (each
 * counts as new again: the notice, and a second factor where the policy asks one), and the operators
 * told (an alert kept for the back office's list, the alert metric, the log). One transaction.
 */
export async function reportNotMe(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName' | 'events' | 'logger'>,
  customer: CustomerRecord,
  via: 'portal' | 'freeze_code',
  client: { address: string },
): Promise<{ status: 'reported' }> {
  const now = deps.clock.now();
  await freeze(deps, customer, ['withdrawals'], 'not_me');
  const alert: OperatorAlert = { id: sortableId(now, deps.random), at: now, kind: 'not_me', customerId: customer.id, detail: { loginId: customer.loginId, via, address: client.address } };
  await withinTransaction(deps, async (deps) => {
    await endAllSessions(deps, customer.id);
    const devices = await deps.store.factors.forgetDevices(customer.id);
    await deps.store.protection.addAlert(alert);
    await recordAudit(deps, customer.id, 'not_me_reported', { via, devicesUntrusted: devices });
    await queueNotice(deps, customer, 'not_me_reported');
  });
  deps.events.sendAlert('not_me');
  deps.logger.warn({ alert: 'not_me', customerId: customer.id, via }, 'a customer reported activity that was not theirs');
  return { status: 'reported' };
}

const CODE_SHAPE = /^[A-Za-z0-9\s-]{8,20}$/;

/**
 * The sign-in page's 緊急停止: a login ID and a notice's freeze code, no password. The code works once;
 * it freezes sign-in and withdrawals (and with `notMe`, also reports "this wasn't me"). Unknown IDs,
 * wrong, used and expired codes answer the same 400 invalid_code after the same work (one conditional
 * UPDATE); the address's attempts are counted like failed sign-ins.
 */
export async function redeemFreezeCode(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName' | 'events' | 'logger' | 'policy'>,
  input: { loginId: string; code: string; notMe?: boolean },
  client: { address: string },
): Promise<{ status: 'frozen'; levels: FreezeLevel[] } | Failure> {
  const now = deps.clock.now();
  const place = await reserve(deps, `freeze-code:addr:${client.address}`, deps.policy.addressFailureLimit, deps.policy.addressWindowMs, now);
  if (!place) return fail('too_many_attempts', { retryAfter: Math.ceil(deps.policy.addressWindowMs / 1000) });
  const customer = await deps.store.customers.findByLoginId(input.loginId);
  const hash = freezeCodeHash(CODE_SHAPE.test(input.code) ? input.code : '');
  const used = await deps.store.protection.useFreezeCode(customer?.id ?? '', hash, now);
  if (!customer || !used) return fail('invalid_code');
  await release(deps, place);
  const levels: FreezeLevel[] = ['withdrawals', 'sign_in'];
  await freeze(deps, customer, levels, 'freeze_code', 'customer (freeze code)');
  if (input.notMe) await reportNotMe(deps, customer, 'freeze_code', client);
  return { status: 'frozen', levels };
}
