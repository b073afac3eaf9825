import type { Deps } from './context.js';
import { defaultSummary } from './challenge-create.js';
import type { Failure } from './errors.js';
import { mfaIsOn, passStepUp } from './step-up.js';
import { checkTradingPassword } from './trading-password.js';
import type { CustomerRecord } from './types.js';

export interface FactorChangeRequest {
  tradingPassword: string;
  challengeId?: string;
}

/**
 * Adding or removing a factor is a settings change like any other: the trading password first, then,
 * with MFA on, the current second factor (purpose mfa_settings, bound to this very change). A stolen
 * session alone cannot plant an authenticator of the thief's.
 */
export async function authoriseFactorChange(deps: Deps, customer: CustomerRecord, request: FactorChangeRequest, change: Record<string, unknown>): Promise<true | Failure> {
  const password = await checkTradingPassword(deps, customer, request.tradingPassword);
  if (password !== true) return password;
  if (!mfaIsOn(customer)) return true;
  return passStepUp(deps, { customer, purpose: 'mfa_settings', content: { factorChange: change }, summary: defaultSummary('mfa_settings'), challengeId: request.challengeId });
}
