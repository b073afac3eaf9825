import type { Deps } from '../kernel/context.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import type { ChallengeRecord, CustomerRecord } from '../kernel/types.js';

// The checks every use of a challenge starts with (send a code, passkey options, verify), in one
// place: who may use it, and whether it can still take a send or a guess.

/** Why a challenge can take no more sends or guesses, or its customer when it can. */
export async function usableChallengeCustomer(deps: Pick<Deps, 'store'>, challenge: ChallengeRecord, now: number): Promise<CustomerRecord | Failure> {
  if (challenge.status === 'used' || challenge.status === 'verified') return fail('challenge_used');
  if (challenge.status === 'dead') return fail('too_many_attempts', { retryAfter: Math.max(1, Math.ceil((challenge.expiresAt - now) / 1000)) });
  if (now >= challenge.expiresAt) return fail('challenge_expired');
  const customer = await deps.store.customers.findById(challenge.customerId);
  if (!customer || customer.factorLocked) return fail('factor_locked');
  return customer;
}

/**
 * The challenge and its customer, for this requester: a login challenge belongs to whoever passed
 * the password (its unguessable id is the bearer); any other only to the signed-in customer —
 * for anyone else it does not exist.
 */
export async function openChallenge(
  deps: Pick<Deps, 'store'>,
  challengeId: string,
  requester: { customerId: string | null },
  now: number,
): Promise<{ challenge: ChallengeRecord; customer: CustomerRecord } | Failure> {
  const challenge = await deps.store.challenges.findById(challengeId);
  if (!challenge || (challenge.purpose !== 'login' && challenge.customerId !== requester.customerId)) return fail('challenge_not_found');
  const customer = await usableChallengeCustomer(deps, challenge, now);
  return isFailure(customer) ? customer : { challenge, customer };
}
