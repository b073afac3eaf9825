import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import { verifyPasskeyAssertion } from './passkey-assertion.js';
import { needsMaturePasskey, passkeyMatureAt, policyFor } from './phishing-resistance.js';
import type { RelyingParty } from './passkey-ceremony.js';
import { normaliseRecoveryCode, useRecoveryCode } from './recovery-codes.js';
import { checkTotpCode } from './totp-check.js';
import type { ChallengeRecord } from '../kernel/types.js';

export interface FactorAnswer {
  method: 'totp' | 'passkey' | 'recovery_code';
  code?: unknown;
  response?: unknown;
  relyingParty?: RelyingParty;
}

/** What verifying told the customer besides "verified" (recovery codes left). */
export interface FactorOutcome {
  recoveryCodesLeft?: number;
}

/**
 * A challenge answered by an app code, a passkey or a recovery code. Each factor is checked (and a
 * code or step spent) first; the challenge then moves on in one conditional UPDATE. A wrong answer
 * is a guess like a wrong SMS code: `countWrong` counts it against the same budget.
 */
export async function verifyFactor(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'logger' | 'policy' | 'secrets' | 'events' | 'firmName'>,
  challenge: ChallengeRecord,
  answer: FactorAnswer,
  now: number,
  to: 'verified' | 'used',
  countWrong: () => Promise<Failure>,
): Promise<FactorOutcome | Failure> {
  const customer = await deps.store.customers.findById(challenge.customerId);
  if (!customer) return fail('challenge_not_found');
  let outcome: FactorOutcome = {};
  if (answer.method === 'totp') {
    if (!(await checkTotpCode(deps, customer.id, answer.code, now))) return countWrong();
  } else if (answer.method === 'recovery_code') {
    const code = normaliseRecoveryCode(answer.code);
    const used = code === undefined ? undefined : await useRecoveryCode(deps, customer, code);
    if (!used) return countWrong();
    outcome = { recoveryCodesLeft: used.remaining };
  } else {
    if (!answer.relyingParty) return fail('method_unavailable', { method: 'passkey' });
    const assertion = await verifyPasskeyAssertion(deps, answer.relyingParty, answer.response, { purpose: `challenge:${challenge.id}`, customerId: customer.id });
    if ('refused' in assertion) {
      deps.logger.info({ challenge: challenge.id, reason: assertion.refused }, 'passkey assertion refused');
      return countWrong();
    }
    // Under the phishing-resistant policy a passkey in its cooling-off approves no money and no bank change.
    const matureAt = passkeyMatureAt(deps.policy, assertion.passkey);
    if (needsMaturePasskey(await policyFor(deps, customer.id), challenge.data.phishingResistant) && now < matureAt) {
      return fail('factor_cooling_off', { availableAt: new Date(matureAt).toISOString(), retryAfter: Math.ceil((matureAt - now) / 1000) });
    }
  }
  if (!(await deps.store.challenges.acceptFactor(challenge.id, now, to))) return fail('challenge_used');
  return outcome;
}
