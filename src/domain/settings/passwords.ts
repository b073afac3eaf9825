import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { checkPasswordRules, loginPasswordMinLength, TRADING_PASSWORD_MIN_LENGTH } from './password-rules.js';
import { rotateAfterCredentialChange } from '../sessions/sessions.js';
import { countWrongPassword } from '../sign-in/sign-in.js';
import { mfaIsOn, passStepUp } from '../challenges/step-up.js';
import { checkTradingPassword } from '../factors/trading-password.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';

export type PasswordKind = 'login' | 'trading';

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  challengeId?: string;
}

/** The rules of security.md for either secret; the two must differ from each other. */
export async function checkNewPassword(deps: Pick<Deps, 'hasher' | 'policy'>, customer: Pick<CustomerRecord, 'loginId'> & Partial<CustomerRecord>, kind: PasswordKind, password: string): Promise<Failure<'weak_password'> | undefined> {
  const minLength = kind === 'login' ? loginPasswordMinLength(deps.policy.mfaRequired) : TRADING_PASSWORD_MIN_LENGTH;
  const reason = checkPasswordRules({ password, loginId: customer.loginId, minLength });
  if (reason) return fail('weak_password', { reason, minLength });
  const otherHash = kind === 'login' ? customer.tradingPasswordHash : customer.passwordHash;
  if (otherHash && (await deps.hasher.verify(otherHash, password))) return fail('weak_password', { reason: 'same_as_other_password' });
  return undefined;
}

/**
 * パスワード変更 / 取引パスワード変更: the current secret, the rules, the second factor when MFA is on;
 * then every other session ends and this one gets a fresh token.
 */
export async function changePassword(
  deps: Deps,
  customer: CustomerRecord,
  session: SessionRecord,
  kind: PasswordKind,
  change: PasswordChange,
): Promise<{ token: string } | Failure> {
  if (kind === 'login') {
    if (!(await deps.hasher.verify(customer.passwordHash, change.currentPassword))) {
      await countWrongPassword(deps, customer, deps.clock.now());
      return fail('invalid_password');
    }
  } else {
    const checked = await checkTradingPassword(deps, customer, change.currentPassword);
    if (checked !== true) return checked;
  }
  const weak = await checkNewPassword(deps, customer, kind, change.newPassword);
  if (weak) return weak;

  if (mfaIsOn(deps.policy, customer)) {
    const passed = await passStepUp(deps, {
      customer,
      session,
      purpose: 'password_change',
      content: { kind, newPassword: change.newPassword },
      summary: kind === 'login' ? 'ログインパスワードの変更' : '取引パスワードの変更',
      challengeId: change.challengeId,
    });
    if (passed !== true) return passed;
  }

  const hash = await deps.hasher.hash(change.newPassword);
  const now = deps.clock.now();
  // The change, its audit entry and its notice commit together (durable outbox).
  await withinTransaction(deps, async (deps) => {
    await deps.store.customers.update(customer.id, kind === 'login' ? { passwordHash: hash, updatedAt: now } : { tradingPasswordHash: hash, tradingFailures: 0, updatedAt: now });
    await recordAudit(deps, customer.id, kind === 'login' ? 'password_changed' : 'trading_password_changed');
    await queueNotice(deps, customer, kind === 'login' ? 'password_changed' : 'trading_password_changed');
  });
  return rotateAfterCredentialChange(deps, session);
}
