import type { Deps } from '../kernel/context.js';
import { defaultSummary } from '../challenges/create.js';
import type { Failure } from '../kernel/errors.js';
import { summariseFactors } from '../factors/summary.js';
import { policyGuardsFactors } from '../factors/phishing-resistance.js';
import { mfaIsOn, passStepUp } from '../challenges/step-up.js';
import { checkTradingPassword } from '../factors/trading-password.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';

export interface FactorChangeRequest {
  tradingPassword: string;
  challengeId?: string;
}

/**
 * Adding or removing a factor is a settings change like any other: the trading password first, then,
 * with MFA on (or required by policy), the current second factor (purpose mfa_settings, bound to this
 * very change and to this session). A stolen session alone cannot plant an authenticator of the
 * thief's. Under the phishing-resistant policy a customer who has a passkey past its cooling-off
 * proves it (whatever their own 2FA setting): relayed codes cannot add a factor next to it. A passkey
 * still in its cooling-off guards nothing yet, so a customer told of one they did not add can remove
 * it with their own factors.
 */
export async function authoriseFactorChange(
  deps: Deps,
  customer: CustomerRecord,
  session: SessionRecord,
  request: FactorChangeRequest,
  change: Record<string, unknown>,
): Promise<true | Failure> {
  const password = await checkTradingPassword(deps, customer, request.tradingPassword);
  if (password !== true) return password;
  const passkeyGuarded = policyGuardsFactors(deps.policy) && (await summariseFactors(deps, customer.id)).trustedPasskeys > 0;
  if (!mfaIsOn(deps.policy, customer) && !passkeyGuarded) return true;
  return passStepUp(deps, { customer, session, purpose: 'mfa_settings', content: { factorChange: change }, summary: defaultSummary('mfa_settings'), challengeId: request.challengeId });
}
