import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import { queueNotice } from '../kernel/notices.js';
import { record, reserve } from '../kernel/reservations.js';
import { validateEmail } from '../settings/profile.js';

// ログインIDをお忘れの方 (issue 16.5): the ID goes to the registered e-mail address only, and the answer
// is the same whether or not the address is known, after the same work (one read, one write: the
// notice, or a throttle record in its place).

export async function remindLoginId(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'firmName'>, email: string, client: { address: string }): Promise<{ status: 'sent' } | Failure> {
  const invalid = validateEmail(email);
  if (invalid) return invalid;
  const now = deps.clock.now();
  const place = await reserve(deps, `login-id-reminder:addr:${client.address}`, deps.policy.addressFailureLimit, deps.policy.addressWindowMs, now);
  if (!place) return fail('too_many_attempts', { retryAfter: Math.ceil(deps.policy.addressWindowMs / 1000) });
  const accounts = await deps.store.recovery.loginIdsByEmail(email);
  // At most three reminders a day to one address: nobody floods a mailbox through this form.
  const allowed = await reserve(deps, `login-id-reminder:email:${email.toLowerCase()}`, 3, 24 * 3600_000, now);
  if (accounts.length > 0 && allowed) await queueNotice(deps, accounts[0]!.email, 'login_id_reminder', { loginIds: accounts.map((a) => a.loginId).join(', ') });
  else await record(deps, 'login-id-reminder:none', now);
  return { status: 'sent' };
}
