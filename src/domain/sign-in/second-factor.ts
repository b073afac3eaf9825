import type { Deps } from '../kernel/context.js';
import { extraFactorsOf, summariseFactors } from '../factors/summary.js';
import { isKnownDevice } from '../sessions/new-device.js';
import { policyFor } from '../factors/phishing-resistance.js';
import type { CustomerRecord } from '../kernel/types.js';

/**
 * Whether a right password still needs a second factor, and why. Besides the customer's 2FA and a
 * mandatory policy: with the phishing-resistant policy on login, a customer who has a passkey must
 * use it (a password alone would bypass it); with KABUTO_NEW_DEVICE_STEP_UP, an unknown device
 * proves a factor even when the customer's own setting would not ask — if the customer has one.
 */
export async function secondFactorReason(
  deps: Pick<Deps, 'store' | 'clock' | 'voice' | 'policy' | 'secrets'>,
  customer: CustomerRecord,
  deviceToken: string | undefined,
  /** Whether the device is known and trusted, when the caller read it already (the password sign-in's lookup). */
  knownDevice?: boolean,
): Promise<string | undefined> {
  if (customer.mfaMethod !== 'none') return 'mfa';
  if (deps.policy.mfaRequired) return 'policy';
  // The passkey migration: once the customer's cohort reached its date, sign-in is policed for them too.
  const policy = await policyFor(deps, customer.id);
  const needsPolicyCheck = policy.phishingResistant.has('login') || deps.policy.newDeviceStepUp;
  if (!needsPolicyCheck) return undefined;
  const factors = await summariseFactors(deps, customer.id);
  // Any passkey asks for a second factor; the challenge takes the passkey alone once one is past its
  // cooling-off (challenge-create), the customer's other factors as well before.
  if (policy.phishingResistant.has('login') && factors.passkeys > 0) return 'phishing_resistant';
  if (!deps.policy.newDeviceStepUp || (knownDevice ?? (await isKnownDevice(deps, customer.id, deviceToken)))) return undefined;
  return phoneUsable(deps, customer) || extraFactorsOf(factors).length > 0 ? 'new_device' : undefined;
}

/**
 * The risk engine asked for a second factor: any the customer has (a passkey alone where one is past its
 * cooling-off: createChallenge's `passkeyWhereOne`), whatever their own setting. Undefined when they have
 * none to prove: the sign-in is refused instead.
 */
export async function riskStepUpReason(deps: Pick<Deps, 'store' | 'clock' | 'policy' | 'voice'>, customer: CustomerRecord): Promise<string | undefined> {
  if (customer.factorLocked) return undefined;
  if (phoneUsable(deps, customer)) return 'risk';
  return extraFactorsOf(await summariseFactors(deps, customer.id)).length > 0 ? 'risk' : undefined;
}

/** A code can reach the customer's phone: a mobile by SMS, a landline by a voice call where one is wired. */
function phoneUsable(deps: Pick<Deps, 'voice'>, customer: CustomerRecord): boolean {
  return customer.phoneType === 'mobile' || (customer.phoneType === 'landline' && deps.voice !== null);
}
