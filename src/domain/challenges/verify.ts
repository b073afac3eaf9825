import type { Deps } from '../kernel/context.js';
import { hashCode, normaliseCode } from '../kernel/codes.js';
import { constantTimeEqual } from '../kernel/crypto.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { challengeMethods } from './create.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { recordAudit } from '../kernel/audit.js';
import { loginDataOf, type ChallengeRecord, type CustomerRecord } from '../kernel/types.js';
import { logEvent } from '../sessions/login-events.js';
import { openChallenge, usableChallengeCustomer } from './access.js';
import { verifyFactor } from '../factors/verify.js';
import { release, reserve } from '../kernel/reservations.js';
import type { RelyingParty } from '../factors/passkey-ceremony.js';

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

  // Reserve before you act: the guess takes a place in the customer's 24-hour budget and one of the
  // challenge's attempts before it is checked, so guesses in flight count like finished ones.
  const guess = await reserveGuess(deps, challenge, now);
  if (isFailure(guess)) {
    deps.events.verification(guess.code);
    return guess;
  }
  const to = challenge.purpose === 'login' ? 'used' : 'verified';
  const wrong = async () => {
    const failure = await wrongCode(deps, challenge, guess.attempts, now);
    await logSecondFactorFailure(deps, challenge, customer);
    return failure;
  };
  let recoveryCodesLeft: number | undefined;
  if (input.method === 'sms' || input.method === 'voice') {
    const result = await verifyCode(deps, challenge, input.method, input.code, now, to, wrong);
    deps.events.verification(result === true ? 'verified' : result.code);
    if (result !== true) return notAGuess(deps, result, guess.place);
  } else {
    const result = await verifyFactor(deps, challenge, { ...input, method: input.method }, now, to, wrong);
    deps.events.verification(isFailure(result) ? result.code : 'verified');
    if (isFailure(result)) return notAGuess(deps, result, guess.place);
    recoveryCodesLeft = result.recoveryCodesLeft;
  }
  // A right answer is not a wrong guess: its place in the budget is given back.
  await release(deps, guess.place);
  return { challenge: { ...challenge, status: to }, customer, ...(recoveryCodesLeft !== undefined ? { recoveryCodesLeft } : {}) };
}

/** A refusal that judged no answer (an expired code, a challenge used meanwhile) gives the budget's place back. */
async function notAGuess(deps: Pick<Deps, 'store'>, failure: Failure, place: string): Promise<Failure> {
  if (failure.code !== 'invalid_code' && failure.code !== 'too_many_attempts') await release(deps, place);
  return failure;
}

const budgetKey = (customerId: string) => `code-fail:${customerId}`;

async function reserveGuess(deps: Deps, challenge: ChallengeRecord, now: number): Promise<{ place: string; attempts: number } | Failure> {
  const { deadChallengesBeforeFactorLock, maxCodeAttempts, deadChallengeWindowMs } = deps.policy;
  const place = await reserve(deps, budgetKey(challenge.customerId), deadChallengesBeforeFactorLock * maxCodeAttempts, deadChallengeWindowMs, now);
  if (!place) {
    await lockFactorIfAbused(deps, challenge.customerId, now);
    return fail('factor_locked');
  }
  const attempt = await deps.store.challenges.reserveAttempt(challenge.id, maxCodeAttempts);
  if (attempt) return { place, attempts: attempt.attempts };
  await release(deps, place);
  // No guess left: its last ones are in flight, or another request used or killed it meanwhile.
  const current = await deps.store.challenges.findById(challenge.id);
  const state = current && (await usableChallengeCustomer(deps, current, now));
  return isFailure(state) ? state : fail('too_many_attempts', { retryAfter: Math.max(1, Math.ceil((challenge.expiresAt - now) / 1000)) });
}

async function verifyCode(
  deps: Pick<Deps, 'store' | 'secrets'>,
  challenge: ChallengeRecord,
  method: 'sms' | 'voice',
  rawCode: unknown,
  now: number,
  to: 'verified' | 'used',
  wrong: () => Promise<Failure>,
): Promise<true | Failure> {
  const code = normaliseCode(rawCode);
  // The code verifies only as the channel it was sent by: a spoken code is `voice`, a texted one `sms`.
  if (code !== undefined && challenge.codeHash && challenge.codeExpiresAt !== null && challenge.codeChannel === method) {
    if (now >= challenge.codeExpiresAt) return fail('code_expired');
    const candidate = hashCode(deps.secrets.codeKey, challenge.id, code);
    if (constantTimeEqual(candidate, challenge.codeHash)) {
      if (await deps.store.challenges.acceptCode(challenge.id, candidate, now, to)) return true;
      // Someone else's request with the same code won the race, or the code was superseded.
      const current = await deps.store.challenges.findById(challenge.id);
      if (current && current.status === 'pending') return wrong();
      return fail('challenge_used');
    }
  }
  // A missing, malformed or wrong code counts the same: each is a guess.
  return wrong();
}

/** A wrong guess: its places stay taken; the challenge's last guess kills it. */
async function wrongCode(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'logger' | 'policy' | 'events' | 'firmName'>, challenge: ChallengeRecord, attempts: number, now: number): Promise<Failure> {
  const max = deps.policy.maxCodeAttempts;
  if (attempts >= max) await deps.store.challenges.kill(challenge.id);
  await lockFactorIfAbused(deps, challenge.customerId, now);
  if (attempts >= max) return fail('too_many_attempts', { retryAfter: Math.max(1, Math.ceil((challenge.expiresAt - now) / 1000)) });
  return fail('invalid_code', { attemptsLeft: max - attempts });
}

/**
 * A wrong answer to a login challenge is a failed sign-in: ログイン履歴 shows it (and マイページ counts
 * it), from the client that passed the password (the challenge's id is its bearer).
 */
async function logSecondFactorFailure(deps: Pick<Deps, 'store' | 'clock' | 'random'>, challenge: ChallengeRecord, customer: CustomerRecord): Promise<void> {
  const signIn = loginDataOf(challenge);
  if (!signIn) return;
  // The operator already counts it (kabuto_verifications_total by result): the history is the customer's.
  await logEvent(deps, customer.id, customer.loginId, signIn, 'second_factor_failed');
}

/**
 * New challenges and resends never reset the count: 10 dead challenges (or as many wrong codes as
 * they would hold) in 24 hours lock the second factor until an operator resets it.
 */
async function lockFactorIfAbused(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'logger' | 'policy' | 'events' | 'firmName'>, customerId: string, now: number): Promise<void> {
  const since = now - deps.policy.deadChallengeWindowMs;
  const limit = deps.policy.deadChallengesBeforeFactorLock;
  const [dead, wrong] = await Promise.all([
    deps.store.challenges.countDeadSince(customerId, since),
    deps.store.throttle.count(budgetKey(customerId), since),
  ]);
  if (dead < limit && wrong < limit * deps.policy.maxCodeAttempts) return;
  const customer = await deps.store.customers.findById(customerId);
  if (!customer || customer.factorLocked) return;
  await withinTransaction(deps, async (deps) => {
    await deps.store.customers.update(customerId, { factorLocked: true, updatedAt: now });
    await recordAudit(deps, customerId, 'factor_locked', { deadChallenges: dead, wrongCodes: wrong }, 'system');
    await queueNotice(deps, customer, 'factor_locked');
  });
  deps.events.lock('factor');
  deps.logger.warn({ alert: 'factor_locked', customerId }, 'second factor locked after repeated wrong codes');
}
