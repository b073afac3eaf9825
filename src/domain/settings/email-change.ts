import type { Deps } from '../kernel/context.js';
import { recordAudit } from '../kernel/audit.js';
import { generateCode, hashCode, normaliseCode } from '../kernel/codes.js';
import { constantTimeEqual } from '../kernel/crypto.js';
import { fail, type Failure } from '../kernel/errors.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';
import { endOtherSessions } from '../sessions/sessions.js';

// メールアドレスの変更 (issue 16.4): a new address takes effect only once the code sent to it comes back
// (whoever typed a thief's address, or a typo, changes nothing); the old address hears of the request
// and of the change. The code is sent inside the request and kept as an HMAC only.

const EMAIL_CODE_TTL_MS = 30 * 60_000;
const MAX_ATTEMPTS = 5;

function codeHash(deps: Pick<Deps, 'secrets'>, customerId: string, email: string, code: string): string {
  return hashCode(deps.secrets.codeKey, `email-change:${customerId}:${email.toLowerCase()}`, code);
}

/** The address waiting for its code, if any (and not expired). */
export async function pendingEmailOf(deps: Pick<Deps, 'store' | 'clock'>, customerId: string): Promise<string | null> {
  const pending = await deps.store.recovery.findEmailChange(customerId);
  return pending && pending.expiresAt > deps.clock.now() ? pending.newEmail : null;
}

/** After the step-up of a profile change: the code to the new address, the old one told. */
export async function requestEmailChange(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets' | 'email' | 'logger' | 'policy' | 'firmName'>, customer: CustomerRecord, newEmail: string): Promise<true | Failure> {
  const now = deps.clock.now();
  const code = generateCode(deps.random);
  await deps.store.recovery.saveEmailChange({ customerId: customer.id, newEmail, codeHash: codeHash(deps, customer.id, newEmail, code), attempts: 0, createdAt: now, expiresAt: now + EMAIL_CODE_TTL_MS });
  try {
    await deps.email.sendEmail(
      newEmail,
      `【${deps.firmName}】メールアドレス確認コード / E-mail confirmation code`,
      `メールアドレス変更の確認コード: ${code}\n30分間有効です。お心当たりがない場合は、このメールを破棄してください。\n\nConfirmation code for your new e-mail address: ${code}\nValid for 30 minutes. If you did not ask for it, ignore this e-mail.\n\n${deps.firmName}\nこのメールにリンクはありません。 / This e-mail contains no links.`,
    );
  } catch (error) {
    deps.logger.warn({ emailChange: 'send_failed', error: error instanceof Error ? error.message : 'error' }, 'e-mail confirmation code not sent');
    await deps.store.recovery.deleteEmailChange(customer.id);
    return fail('send_failed');
  }
  await withinTransaction(deps, async (deps) => {
    await recordAudit(deps, customer.id, 'email_change_requested', {});
    await queueNotice(deps, customer, 'profile_changed', { fields: 'メールアドレス（確認待ち） / e-mail (waiting for confirmation)' });
  });
  return true;
}

/** The code from the new address: the change takes effect (replaced contact kept, other sessions ended, both told). */
export async function confirmEmailChange(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets' | 'firmName'>, customer: CustomerRecord, session: SessionRecord, input: string): Promise<{ email: string } | Failure> {
  const now = deps.clock.now();
  const pending = await deps.store.recovery.findEmailChange(customer.id);
  if (!pending || pending.expiresAt <= now) return fail('challenge_expired');
  const attempt = await deps.store.recovery.reserveEmailChangeAttempt(customer.id, MAX_ATTEMPTS, now);
  if (attempt === undefined) return fail('challenge_expired');
  const code = normaliseCode(input);
  if (!code || !constantTimeEqual(codeHash(deps, customer.id, pending.newEmail, code), pending.codeHash)) return fail('invalid_code', { attemptsLeft: Math.max(0, MAX_ATTEMPTS - attempt) });
  if (!(await deps.store.recovery.deleteEmailChange(customer.id, pending.codeHash))) return fail('challenge_used');
  await withinTransaction(deps, async (deps) => {
    await deps.store.customers.update(customer.id, { email: pending.newEmail, contactChangedAt: now, updatedAt: now });
    // Kept for the cooling-off: the replaced address hears of every withdrawal and new passkey in the window.
    await deps.store.customers.recordReplacedContact(customer.id, { kind: 'email', value: customer.email, phoneType: null, replacedAt: now });
    // A new address is a new way to reach (and recover) the account: other sessions end.
    await endOtherSessions(deps, session);
    await recordAudit(deps, customer.id, 'profile_changed', { fields: ['email'], previousEmail: customer.email });
    // The old address hears of it: a thief's new address would hide it otherwise.
    await queueNotice(deps, customer, 'profile_changed', { fields: 'email' });
    await queueNotice(deps, pending.newEmail, 'profile_changed', { fields: 'email' });
  });
  return { email: pending.newEmail };
}
