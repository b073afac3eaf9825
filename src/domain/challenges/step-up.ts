import type { Deps } from '../kernel/context.js';
import { createChallenge, hashContent, viewChallenge, type NewChallenge } from './create.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { withinTransaction } from '../kernel/notices.js';
import type { SecurityPolicy } from '../kernel/policy.js';
import type { ChallengeRecord, CustomerRecord, Purpose, SessionRecord } from '../kernel/types.js';

export interface StepUpRequest {
  customer: CustomerRecord;
  /** The session asking: a verified challenge belongs to it (its lineage), not to the customer. */
  session: SessionRecord;
  purpose: Purpose;
  /** The operation's content: a verified challenge is good for exactly this content. */
  content: unknown;
  summary: string;
  challengeId: string | undefined;
  target?: NewChallenge['target'];
  data?: NewChallenge['data'];
  phishingResistant?: NewChallenge['phishingResistant'];
}

/**
 * The protected-operation handshake: without `challengeId`, issue a challenge bound to the operation,
 * its content and the asking session (403 step_up_required); with it, consume that verified
 * challenge, once, for this customer, session, purpose and content only (otherwise 403 challenge_mismatch).
 */
export async function passStepUp(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'voice' | 'policy' | 'secrets' | 'events'>, request: StepUpRequest): Promise<true | Failure> {
  if (request.challengeId !== undefined) {
    const challengeId = request.challengeId;
    // The approval is audited with its consumption (the event feed's `step_up.approved`).
    const consumed =
      (await challengeOfSession(deps, challengeId, request.session)) &&
      (await withinTransaction(deps, async (deps) => {
        const spent = await deps.store.challenges.consume(challengeId, {
          customerId: request.customer.id,
          purpose: request.purpose,
          contentHash: hashContent(deps, request.purpose, request.content),
          now: deps.clock.now(),
        });
        if (spent) await recordAudit(deps, request.customer.id, 'step_up_approved', { purpose: request.purpose });
        return spent;
      }));
    deps.events.stepUp(request.purpose, consumed ? 'passed' : 'mismatch');
    return consumed ? true : fail('challenge_mismatch');
  }
  return requireStepUp(deps, request);
}

export async function requireStepUp(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'voice' | 'policy' | 'secrets' | 'events'>, request: Omit<StepUpRequest, 'challengeId'>): Promise<Failure> {
  if (request.customer.factorLocked) return fail('factor_locked');
  const challenge = await createStepUpChallenge(deps, request);
  deps.events.stepUp(request.purpose, 'required');
  return fail('step_up_required', { challenge: viewChallenge(deps, challenge) });
}

/** A step-up challenge, bound to the session that asked for it (its lineage survives token rotation). */
export function createStepUpChallenge(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'secrets'>, request: Omit<StepUpRequest, 'challengeId'>): Promise<ChallengeRecord> {
  const { session, ...rest } = request;
  return createChallenge(deps, { ...rest, data: { ...request.data, sessionLineage: session.lineageId } });
}

/**
 * Whether a challenge was made for this session. The binding is written once, at creation, so this
 * read cannot race with anything; the consumption itself stays one conditional UPDATE.
 */
export async function challengeOfSession(deps: Pick<Deps, 'store'>, challengeId: string, session: SessionRecord): Promise<boolean> {
  const challenge = await deps.store.challenges.findById(challengeId);
  return challenge !== undefined && challenge.data.sessionLineage === session.lineageId;
}

/**
 * MFA scope `all` protects withdrawals and every registration change. Under KABUTO_MFA_REQUIRED a
 * customer whose own method is `none` is treated as 2FA on with scope `all` (issue 11.1): the policy,
 * not the customer's unset choice, decides.
 */
export function scopeCoversOperations(policy: SecurityPolicy, customer: CustomerRecord): boolean {
  if (customer.mfaMethod === 'none') return policy.mfaRequired;
  return customer.mfaScope === 'all';
}

/** Whether the customer's second factor guards settings changes: their own, or the mandatory policy's. */
export function mfaIsOn(policy: SecurityPolicy, customer: CustomerRecord): boolean {
  return customer.mfaMethod !== 'none' || policy.mfaRequired;
}
