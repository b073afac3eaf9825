import type { Deps } from '../kernel/context.js';
import { newQueuedNotice } from '../kernel/notice-outbox.js';
import { defaultSummary, viewChallenge } from '../challenges/create.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { last4, parseDomesticPhone } from '../kernel/phone-numbers.js';
import { endOtherSessions } from '../sessions/sessions.js';
import { createStepUpChallenge, mfaIsOn, passStepUp } from '../challenges/step-up.js';
import { checkTradingPassword } from '../factors/trading-password.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';

export interface PhoneChange {
  phone: string;
  tradingPassword: string;
  challengeId?: string;
}

/**
 * 電話認証番号の変更. Completes only when the customer proved the current second factor (when MFA is
 * on, or required by policy: a `phone_change` challenge) and then a code sent to the new number
 * (`phone_verification`). Each step answers 403 step_up_required with the next challenge; each
 * challenge belongs to the session that asked for it. The replaced number is kept for the
 * cooling-off, and the customer's other sessions end.
 */
export async function changePhone(deps: Deps, customer: CustomerRecord, session: SessionRecord, change: PhoneChange): Promise<CustomerRecord | Failure> {
  const parsed = parseDomesticPhone(change.phone);
  if (isFailure(parsed)) return parsed;
  const password = await checkTradingPassword(deps, customer, change.tradingPassword);
  if (password !== true) return password;

  const content = { phone: parsed.e164 };
  const secondFactorOn = mfaIsOn(deps.policy, customer);
  const proveNewNumber = async (afterStepUp: boolean): Promise<Failure> => {
    const challenge = await createStepUpChallenge(deps, {
      customer,
      session,
      purpose: 'phone_verification',
      content,
      summary: defaultSummary('phone_verification'),
      target: { phone: parsed.e164, type: parsed.type },
      data: { afterStepUp },
    });
    deps.events.stepUp('phone_verification', 'required');
    return fail('step_up_required', { challenge: viewChallenge(deps, challenge) });
  };

  if (change.challengeId === undefined) {
    if (customer.factorLocked) return fail('factor_locked');
    if (!secondFactorOn) return proveNewNumber(false);
    return passStepUp(deps, { customer, session, purpose: 'phone_change', content, summary: defaultSummary('phone_change'), challengeId: undefined }) as Promise<Failure>;
  }

  const presented = await deps.store.challenges.findById(change.challengeId);
  if (presented?.purpose === 'phone_change') {
    const passed = await passStepUp(deps, { customer, session, purpose: 'phone_change', content, summary: '', challengeId: change.challengeId });
    if (passed !== true) return passed;
    return proveNewNumber(true);
  }
  // The code to the new number: with MFA on, only a challenge issued after the current factor passed.
  if (presented?.purpose !== 'phone_verification' || (secondFactorOn && presented.data.afterStepUp !== true)) {
    deps.events.stepUp('phone_verification', 'mismatch');
    return fail('challenge_mismatch');
  }
  const passed = await passStepUp(deps, { customer, session, purpose: 'phone_verification', content, summary: '', challengeId: change.challengeId });
  if (passed !== true) return passed;

  const now = deps.clock.now();
  const patch = { phone: parsed.e164, phoneType: parsed.type, phoneVerified: true, contactChangedAt: now, updatedAt: now };
  await withinTransaction(deps, async (deps) => {
    await deps.store.customers.update(customer.id, patch);
    if (customer.phone && customer.phone !== parsed.e164) {
      await deps.store.customers.recordReplacedContact(customer.id, { kind: 'phone', value: customer.phone, phoneType: customer.phoneType, replacedAt: now });
    }
    await endOtherSessions(deps, session);
    await recordAudit(deps, customer.id, 'phone_changed', { from: customer.phone ? last4(customer.phone) : null, to: last4(parsed.e164), type: parsed.type });
    await queueNotice(deps, customer, 'phone_changed', { last4: last4(parsed.e164) });
    // The old number hears of it too (issue 16.4): whoever swapped the number may also hold the mailbox.
    if (customer.phone && customer.phone !== parsed.e164 && customer.phoneType === 'mobile') {
      const text = `【${deps.firmName}】電話認証番号が末尾 ${last4(parsed.e164)} の番号に変更されました。お心当たりがない場合は至急当社へご連絡ください。`;
      await deps.store.notices.enqueue(newQueuedNotice(deps.clock, deps.random, { channel: 'sms', recipient: customer.phone, subject: null, body: text, kind: 'phone_changed_sms' }));
    }
  });
  return { ...customer, ...patch };
}
