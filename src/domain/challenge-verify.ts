import type { Deps } from './context.js';
import { hashCode, normaliseCode } from './codes.js';
import { constantTimeEqual } from './crypto.js';
import { fail, isFailure, type Failure } from './errors.js';
import { challengeMethods } from './challenge-create.js';
import { sendNotice } from './notices.js';
import { recordAudit } from './audit.js';
import type { ChallengeRecord, CustomerRecord } from './types.js';
import { openChallenge, usableChallengeCustomer } from './challenge-access.js';
import { verifyFactor } from './factor-verify.js';
import type { RelyingParty } from './passkey-ceremony.js';

export type VerifyMethod = 'sms' | 'voice' | 'totp' | 'passkey' | 'recovery_code';

export interface VerifyInput {
  method: VerifyMethod;
  code?: unknown;
  response?: unknown;
  /** Who passkeys must be bound to (the HTTP layer knows the origin). */
  relyingParty?: RelyingParty;
}

export interface Verified {
  challenge: ChallengeRecord;
  customer: CustomerRecord;
  /** After a recovery code: how many remain (the client warns at 3 or fewer). */
  recoveryCodesLeft?: number;
}

/**
 * 認証する. A login challenge goes straight to `used` (the caller opens the session); any other to
 * `verified`, to be consumed once by the operation it was made for. Concurrent right answers race
 * on one conditional UPDATE: exactly one wins.
 */
export async function verifyChallenge(
  deps: Deps,
  challengeId: string,
  input: VerifyInput,
  requester: { customerId: string | null },
): Promise<Verified | Failure> {
  const now = deps.clock.now();
  const opened = await openChallenge(deps, challengeId, requester, now);
  if (isFailure(opened)) {
    if (opened.code !== 'challenge_not_found') deps.events.verification(opened.code);
    return opened;
  }
  const { challenge, customer } = opened;
  // The policy decided at creation: this operation takes a passkey, and nothing a phishing site can relay.
  if (challenge.data.phishingResistant && input.method !== 'passkey') {
    deps.events.verification('phishing_resistant_required');
    return fail('phishing_resistant_required', { operation: challenge.data.phishingResistant });
  }
  const offered = challengeMethods(deps, challenge).map((m) => m.type);
  if (!offered.includes(input.method)) return fail('method_unavailable', { method: input.method, available: offered });

  const to = challenge.purpose === 'login' ? 'used' : 'verified';
  let recoveryCodesLeft: number | undefined;
  if (input.method === 'sms' || input.method === 'voice') {
    const result = await verifyCode(deps, challenge, input.code, now, to);
    deps.events.verification(result === true ? 'verified' : result.code);
    if (result !== true) return result;
  } else {
    const result = await verifyFactor(deps, challenge, { ...input, method: input.method }, now, to, () => wrongCode(deps, challenge, now));
    deps.events.verification(isFailure(result) ? result.code : 'verified');
    if (isFailure(result)) return result;
    recoveryCodesLeft = result.recoveryCodesLeft;
  }
  return { challenge: { ...challenge, status: to }, customer, ...(recoveryCodesLeft !== undefined ? { recoveryCodesLeft } : {}) };
}

async function verifyCode(deps: Deps, challenge: ChallengeRecord, rawCode: unknown, now: number, to: 'verified' | 'used'): Promise<true | Failure> {
  const code = normaliseCode(rawCode);
  if (code !== undefined && challenge.codeHash && challenge.codeExpiresAt !== null) {
    if (now >= challenge.codeExpiresAt) return fail('code_expired');
    const candidate = hashCode(deps.secrets.codeKey, challenge.id, code);
    if (constantTimeEqual(candidate, challenge.codeHash)) {
      if (await deps.store.challenges.acceptCode(challenge.id, candidate, now, to)) return true;
      // Someone else's request with the same code won the race, or the code was superseded.
      const current = await deps.store.challenges.findById(challenge.id);
      if (current && current.status === 'pending') return wrongCode(deps, challenge, now);
      return fail('challenge_used');
    }
  }
  // A missing, malformed or wrong code counts the same: each is a guess.
  return wrongCode(deps, challenge, now);
}

async function wrongCode(deps: Deps, challenge: ChallengeRecord, now: number): Promise<Failure> {
  const max = deps.policy.maxCodeAttempts;
  const counted = await deps.store.challenges.countWrongAttempt(challenge.id, max);
  await deps.store.throttle.add(`code-fail:${challenge.customerId}`, now);
  if (!counted) {
    // No longer pending: another request used or killed it meanwhile.
    const current = await deps.store.challenges.findById(challenge.id);
    const state = current && (await usableChallengeCustomer(deps, current, now));
    return isFailure(state) ? state : fail('too_many_attempts', { retryAfter: 60 });
  }
  await lockFactorIfAbused(deps, challenge.customerId, now);
  if (counted.status === 'dead') return fail('too_many_attempts', { retryAfter: Math.max(1, Math.ceil((challenge.expiresAt - now) / 1000)) });
  return fail('invalid_code', { attemptsLeft: max - counted.attempts });
}

/**
 * New challenges and resends never reset the count: 10 dead challenges (or as many wrong codes as
 * they would hold) in 24 hours lock the second factor until an operator resets it.
 */
async function lockFactorIfAbused(deps: Deps, customerId: string, now: number): Promise<void> {
  const since = now - deps.policy.deadChallengeWindowMs;
  const limit = deps.policy.deadChallengesBeforeFactorLock;
  const [dead, wrong] = await Promise.all([
    deps.store.challenges.countDeadSince(customerId, since),
    deps.store.throttle.count(`code-fail:${customerId}`, since),
  ]);
  if (dead < limit && wrong < limit * deps.policy.maxCodeAttempts) return;
  const customer = await deps.store.customers.findById(customerId);
  if (!customer || customer.factorLocked) return;
  await deps.store.customers.update(customerId, { factorLocked: true, updatedAt: now });
  deps.events.lock('factor');
  deps.logger.warn({ alert: 'factor_locked', customerId }, 'second factor locked after repeated wrong codes');
  await recordAudit(deps, customerId, 'factor_locked', { deadChallenges: dead, wrongCodes: wrong }, 'system');
  await sendNotice(deps, customer, 'factor_locked');
}
