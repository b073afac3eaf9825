import type { Deps } from '../kernel/context.js';
import { defaultSummary } from '../challenges/create.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { mfaIsOn, passStepUp } from '../challenges/step-up.js';
import { checkTradingPassword } from '../factors/trading-password.js';
import { rotateAfterCredentialChange } from '../sessions/sessions.js';
import type { CustomerRecord, MfaMethod, MfaScope, SessionRecord } from '../kernel/types.js';
import { summariseFactors } from '../factors/summary.js';
import { viewRecoveryCodes } from '../factors/recovery-codes.js';

/** Whether a method can be chosen, and why not (`no_phone`, `landline`, `no_enrolment`...). */
export type Availability = { available: true } | { available: false; reason: string };

export interface MfaSettingsView {
  method: MfaMethod;
  scope: MfaScope;
  requiredByPolicy: boolean;
  /** Operations the phishing-resistant policy (KABUTO_PHISHING_RESISTANT) lets a passkey alone approve: the portal labels them. */
  passkeyOnly: string[];
  available: { sms: Availability; totp: Availability; passkey: Availability };
  /** `low` at 3 or fewer left: the portal asks for a new set. */
  recoveryCodes: { remaining: number; total: number; low: boolean };
}

export function smsAvailability(customer: CustomerRecord): Availability {
  if (!customer.phone) return { available: false, reason: 'no_phone' };
  if (customer.phoneType !== 'mobile') return { available: false, reason: 'landline' };
  return { available: true };
}

/** An app or a passkey can be the chosen method once enrolled (/settings/totp, /settings/passkeys). */
export const extraAvailability = {
  totp: async (deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customer: CustomerRecord): Promise<Availability> =>
    (await summariseFactors(deps, customer.id)).totp ? { available: true } : { available: false, reason: 'not_enrolled' },
  passkey: async (deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customer: CustomerRecord): Promise<Availability> =>
    (await summariseFactors(deps, customer.id)).passkeys > 0 ? { available: true } : { available: false, reason: 'not_enrolled' },
};

export async function viewMfaSettings(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customer: CustomerRecord): Promise<MfaSettingsView> {
  const [totp, passkey, recoveryCodes] = await Promise.all([
    extraAvailability.totp(deps, customer),
    extraAvailability.passkey(deps, customer),
    viewRecoveryCodes(deps, customer.id),
  ]);
  return {
    method: customer.mfaMethod,
    scope: customer.mfaScope,
    requiredByPolicy: deps.policy.mfaRequired,
    passkeyOnly: [...deps.policy.phishingResistant].sort(),
    available: { sms: smsAvailability(customer), totp, passkey },
    recoveryCodes,
  };
}

export interface MfaChange {
  method: MfaMethod;
  scope: MfaScope;
  tradingPassword: string;
  challengeId?: string;
}

/**
 * 二要素認証 → 実行する. The trading password first; then one challenge, sent to the phone, proves
 * both the current factor (when MFA is on) and, when turning SMS on, that the phone receives codes.
 */
export async function changeMfaSettings(
  deps: Deps,
  customer: CustomerRecord,
  session: SessionRecord,
  change: MfaChange,
): Promise<{ settings: MfaSettingsView; token?: string } | Failure> {
  if (change.method === 'none' && deps.policy.mfaRequired) return fail('mfa_required_by_policy');
  if (change.method === 'sms') {
    const sms = smsAvailability(customer);
    if (!sms.available) return fail('sms_unavailable', { reason: sms.reason });
  } else if (change.method !== 'none') {
    const availability = await extraAvailability[change.method](deps, customer);
    if (!availability.available) return fail('method_unavailable', { method: change.method, reason: availability.reason });
  }
  const password = await checkTradingPassword(deps, customer, change.tradingPassword);
  if (password !== true) return password;

  const unchanged = change.method === customer.mfaMethod && change.scope === customer.mfaScope;
  const needsCode = !unchanged && (mfaIsOn(deps.policy, customer) || change.method === 'sms');
  if (needsCode) {
    const passed = await passStepUp(deps, {
      customer,
      session,
      purpose: 'mfa_settings',
      content: { method: change.method, scope: change.scope },
      summary: defaultSummary('mfa_settings'),
      challengeId: change.challengeId,
      // Turning SMS on proves the phone receives codes: an app or a passkey cannot prove that.
      ...(change.method === 'sms' ? { data: { codesOnly: true } } : {}),
    });
    if (passed !== true) return passed;
  }
  if (unchanged) return { settings: await viewMfaSettings(deps, customer) };

  const now = deps.clock.now();
  // The code to the phone was verified, so the number is proven to receive codes.
  const patch = { mfaMethod: change.method, mfaScope: change.scope, updatedAt: now, ...(change.method === 'sms' ? { phoneVerified: true } : {}) };
  await withinTransaction(deps, async (deps) => {
    await deps.store.customers.update(customer.id, patch);
    await recordAudit(deps, customer.id, 'mfa_changed', { from: { method: customer.mfaMethod, scope: customer.mfaScope }, to: { method: change.method, scope: change.scope } });
    await queueNotice(deps, customer, 'mfa_changed', { method: change.method, scope: change.scope });
  });
  // Sessions opened before the second factor existed (perhaps with a phished password) end here.
  const { token } = await rotateAfterCredentialChange(deps, session);
  return { settings: await viewMfaSettings(deps, { ...customer, ...patch }), token };
}
