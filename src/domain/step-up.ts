import type { Deps } from './context.js';
import { createChallenge, hashContent, viewChallenge, type NewChallenge } from './challenge-create.js';
import { fail, type Failure } from './errors.js';
import type { CustomerRecord, Purpose } from './types.js';

export interface StepUpRequest {
  customer: CustomerRecord;
  purpose: Purpose;
  /** The operation's content: a verified challenge is good for exactly this content. */
  content: unknown;
  summary: string;
  challengeId: string | undefined;
  target?: NewChallenge['target'];
  data?: Record<string, unknown>;
}

/**
 * The protected-operation handshake: without `challengeId`, issue a challenge bound to the operation
 * and its content (403 step_up_required); with it, consume that verified challenge, once, for this
 * customer, purpose and content only (otherwise 403 challenge_mismatch).
 */
export async function passStepUp(deps: Deps, request: StepUpRequest): Promise<true | Failure> {
  if (request.challengeId !== undefined) {
    const consumed = await deps.store.challenges.consume(request.challengeId, {
      customerId: request.customer.id,
      purpose: request.purpose,
      contentHash: hashContent(deps, request.purpose, request.content),
      now: deps.clock.now(),
    });
    deps.events.stepUp(request.purpose, consumed ? 'passed' : 'mismatch');
    return consumed ? true : fail('challenge_mismatch');
  }
  return requireStepUp(deps, request);
}

export async function requireStepUp(deps: Deps, request: Omit<StepUpRequest, 'challengeId'>): Promise<Failure> {
  if (request.customer.factorLocked) return fail('factor_locked');
  const challenge = await createChallenge(deps, request);
  deps.events.stepUp(request.purpose, 'required');
  return fail('step_up_required', { challenge: viewChallenge(deps, challenge) });
}

/** MFA scope `all` protects withdrawals and every registration change. */
export function scopeCoversOperations(customer: CustomerRecord): boolean {
  return customer.mfaMethod !== 'none' && customer.mfaScope === 'all';
}

export function mfaIsOn(customer: CustomerRecord): boolean {
  return customer.mfaMethod !== 'none';
}
