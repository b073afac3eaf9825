import type { Deps } from '../kernel/context.js';
import { passkeyMatureAt, policyGuardsFactors } from './phishing-resistance.js';
import type { ExtraFactor } from '../kernel/types.js';

export type { ExtraFactor };

export interface FactorSummary {
  totp: boolean;
  passkeys: number;
  /**
   * Passkeys the phishing-resistant policy relies on: under it, only those past their 24-hour
   * cooling-off (a passkey planted with relayed codes neither locks the customer out of signing in
   * with their own factors nor guards the factor changes that remove it); without it, all.
   */
  trustedPasskeys: number;
  /** Passkeys past their cooling-off whatever the policy (the risk engine's step-up takes one alone). */
  maturePasskeys: number;
  recoveryCodes: { remaining: number; total: number };
}

export async function summariseFactors(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customerId: string): Promise<FactorSummary> {
  // One read (it was three: the TOTP, the passkeys, the recovery codes; each a round trip).
  const { totp, passkeysCreatedAt, recoveryCodes } = await deps.store.factors.factorFacts(customerId);
  const now = deps.clock.now();
  const mature = passkeysCreatedAt.filter((createdAt) => passkeyMatureAt(deps.policy, { createdAt }) <= now).length;
  const trusted = policyGuardsFactors(deps.policy) ? mature : passkeysCreatedAt.length;
  return { totp, passkeys: passkeysCreatedAt.length, trustedPasskeys: trusted, maturePasskeys: mature, recoveryCodes };
}

/** The factors a new challenge offers besides codes to the phone (fixed at its creation). */
export function extraFactorsOf(summary: FactorSummary): ExtraFactor[] {
  const factors: ExtraFactor[] = [];
  if (summary.totp) factors.push('totp');
  if (summary.passkeys > 0) factors.push('passkey');
  if (summary.recoveryCodes.remaining > 0) factors.push('recovery_code');
  return factors;
}
