import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import { challengeMethods, viewChallenge } from '../challenges/create.js';
import { createStepUpChallenge, passStepUp } from '../challenges/step-up.js';
import type { VerifyMethod } from '../challenges/verify.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';
import { ACR, acrOfAmr, amrOfMethod, amrOfSession, mergeAmr, stepUpFor, type Acr } from './assurance.js';

// Signing in to a relying party with the Kabuto session the browser already has. What the tokens say
// (acr, amr, auth_time) comes from how that session was authenticated; a relying party asking for more
// (`acr_values`, `max_age`) gets a step-up on the same session, never a second sign-in: a challenge bound
// to the session and to this authorization request, a passkey alone when it asked for phishing resistance.

export interface FederatedLogin {
  customer: CustomerRecord;
  session: SessionRecord;
  /** The provider's interaction (one authorization request): a step-up serves it alone. */
  interactionId: string;
  clientName: string;
  acrValues?: string;
  maxAge?: number;
}

export interface Authenticated {
  acr: Acr;
  amr: string[];
  /** Epoch ms. */
  authTime: number;
}

/** The account a relying party's `sub` names (the customer's id), if it still exists. */
export function accountOf(deps: Pick<Deps, 'store'>, sub: string): Promise<CustomerRecord | undefined> {
  return deps.store.customers.findById(sub);
}

type Deps4 = Pick<Deps, 'store' | 'clock' | 'random' | 'voice' | 'policy' | 'secrets' | 'events'>;

const contentOf = (request: FederatedLogin, acr: Acr) => ({ interaction: request.interactionId, acr });

/**
 * The session as it stands when it answers the relying party; otherwise 403 step_up_required with a
 * challenge (or 403 phishing_resistant_required when the customer has no passkey to give).
 */
export async function federatedSignIn(deps: Deps4, request: FederatedLogin): Promise<Authenticated | Failure> {
  const amr = amrOfSession(request.session);
  const step = stepUpFor(amr, request.session.createdAt, { acrValues: request.acrValues, maxAge: request.maxAge }, deps.clock.now());
  if (!step.needed) return { acr: acrOfAmr(amr), amr, authTime: request.session.createdAt };
  if (request.customer.factorLocked) return fail('factor_locked');
  const challenge = await createStepUpChallenge(deps, {
    customer: request.customer,
    session: request.session,
    purpose: 'federated_login',
    content: contentOf(request, step.acr),
    summary: `ログイン（${request.clientName}）`,
    ...(step.acr === ACR.phishingResistant ? { phishingResistant: 'login' as const } : {}),
  });
  if (challengeMethods(deps, challenge).length === 0) {
    return step.acr === ACR.phishingResistant ? fail('phishing_resistant_required', { operation: 'login' }) : fail('method_unavailable', { method: 'any', available: [] });
  }
  deps.events.stepUp('federated_login', 'required');
  return fail('step_up_required', { challenge: viewChallenge(deps, challenge) });
}

/**
 * A step-up challenge verified (with `method`) on this session: consumed once for this authorization
 * request and level; the session's amr plus the method's, authenticated now.
 */
export async function completeFederatedStepUp(deps: Deps4, request: FederatedLogin, challengeId: string, method: VerifyMethod): Promise<Authenticated | Failure> {
  const now = deps.clock.now();
  const amr = amrOfSession(request.session);
  const step = stepUpFor(amr, request.session.createdAt, { acrValues: request.acrValues, maxAge: request.maxAge }, now);
  const acr = step.needed ? step.acr : acrOfAmr(amr);
  const passed = await passStepUp(deps, { customer: request.customer, session: request.session, purpose: 'federated_login', content: contentOf(request, acr), summary: '', challengeId });
  if (passed !== true) return passed;
  const merged = mergeAmr(amr, amrOfMethod(method));
  return { acr: acrOfAmr(merged), amr: merged, authTime: now };
}
