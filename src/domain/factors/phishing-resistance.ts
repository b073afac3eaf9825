import { createHash } from 'node:crypto';
import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import type { SecurityPolicy } from '../kernel/policy.js';
import type { PhishingResistantOperation, Purpose } from '../kernel/types.js';

// KABUTO_PHISHING_RESISTANT (JSDA guideline, in force 2025-10-15): the named operations accept a
// passkey only. A code typed into a phishing site can be relayed; a passkey signs for our origin alone.
// Under the policy the factors themselves are guarded too (issue 11.2): a passkey is what approves
// money, so adding or removing a factor takes an existing passkey when there is one, and a new
// passkey approves no money and no bank change until the cooling-off has passed.

export type { PhishingResistantOperation };

/** Which policed operation a challenge is for, if any: a registration change counts when it carries a bank account. */
export function policedOperation(purpose: Purpose, content: unknown): PhishingResistantOperation | undefined {
  if (purpose === 'login') return 'login';
  if (purpose === 'withdrawal') return 'withdrawal';
  const field = (name: string) => (typeof content === 'object' && content !== null ? (content as Record<string, unknown>)[name] : undefined);
  if (purpose === 'registration_change' && field('bankAccount') !== undefined) return 'bank_account';
  if (purpose === 'mfa_settings' && field('factorChange') !== undefined) return 'factors';
  return undefined;
}

/** The policy is on for any operation: then the factors that satisfy it are guarded as well. */
export function policyGuardsFactors(policy: SecurityPolicy): boolean {
  return policy.phishingResistant.size > 0;
}

/**
 * Whether the policy itself demands a step-up for this operation, whatever the customer's MFA scope:
 * a withdrawal or bank-account change under it always proves a passkey.
 */
export function policyDemandsStepUp(policy: SecurityPolicy, purpose: Purpose, content: unknown): boolean {
  const operation = policedOperation(purpose, content);
  return (operation === 'withdrawal' || operation === 'bank_account') && policy.phishingResistant.has(operation);
}

/**
 * The policy's decision for a new challenge, stored on it so verification checks what was decided.
 * One exception, for sign-in only: a customer with no passkey yet signs in with the factors they have,
 * or nobody could ever sign in to register one. Withdrawals and bank-account changes have no exception.
 * A factor change takes a passkey when the customer has one (a relayed SMS code cannot plant a
 * thief's passkey next to it); the first passkey is bound by the delay instead (youngPasskeysOnly).
 * `passkeys` counts the trusted ones (FactorSummary.trustedPasskeys): a passkey in its cooling-off
 * does not yet take the place of the customer's other factors, at sign-in or for factor changes.
 */
export function phishingResistanceRequired(policy: SecurityPolicy, purpose: Purpose, content: unknown, passkeys: number): PhishingResistantOperation | undefined {
  const operation = policedOperation(purpose, content);
  if (!operation) return undefined;
  if (operation === 'factors') return policyGuardsFactors(policy) && passkeys > 0 ? operation : undefined;
  if (!policy.phishingResistant.has(operation)) return undefined;
  if (operation === 'login' && passkeys === 0) return undefined;
  return operation;
}

/** When a passkey may approve money or a bank change under the policy. */
export function passkeyMatureAt(policy: SecurityPolicy, passkey: { createdAt: number }): number {
  return passkey.createdAt + policy.coolingOffMs;
}

/** Whether this operation, under the policy, takes only passkeys past their cooling-off. */
export function needsMaturePasskey(policy: SecurityPolicy, operation: PhishingResistantOperation | undefined): boolean {
  return (operation === 'withdrawal' || operation === 'bank_account') && policy.phishingResistant.has(operation);
}

/**
 * Under the policy, a withdrawal or bank change asked for by a customer whose every passkey is still
 * cooling off is refused at once (403 factor_cooling_off, with the time it becomes possible) instead
 * of being issued a challenge nobody may pass: a passkey planted with relayed codes moves no money
 * before the customer's old contacts have heard of it and had a day to act.
 */
export async function youngPasskeysOnly(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customerId: string): Promise<Failure | undefined> {
  const passkeys = await deps.store.factors.listPasskeys(customerId);
  if (passkeys.length === 0) return undefined;
  const now = deps.clock.now();
  const earliest = Math.min(...passkeys.map((p) => passkeyMatureAt(deps.policy, p)));
  if (earliest <= now) return undefined;
  return fail('factor_cooling_off', { availableAt: new Date(earliest).toISOString(), retryAfter: Math.ceil((earliest - now) / 1000) });
}

// The passkey migration (src/domain/operators/migration.ts administers it): customers fall in 100 buckets
// by a hash of their id; a cohort covers a range of buckets and has a date from which its customers sign in
// and withdraw with a passkey, whatever KABUTO_PHISHING_RESISTANT says for everyone.

/** A customer's bucket, 0–99: stable, the same on every instance, published with the schedule. */
export function migrationBucket(customerId: string): number {
  return createHash('sha256').update(`kabuto-passkey-cohort:${customerId}`).digest().readUInt32BE(0) % 100;
}

/** The earliest date of the cohorts that cover the customer's bucket, or undefined when none does. */
export function passkeyDueAt(cohorts: ReadonlyArray<{ bucketFrom: number; bucketTo: number; dueAt: number }>, customerId: string): number | undefined {
  const bucket = migrationBucket(customerId);
  const dates = cohorts.filter((c) => c.bucketFrom <= bucket && bucket <= c.bucketTo).map((c) => c.dueAt);
  return dates.length ? Math.min(...dates) : undefined;
}

/**
 * The policy as it applies to one customer: the configured one, with sign-in and withdrawals added once
 * the customer's cohort has reached its date. Every check of sign-in and withdrawals reads it.
 */
export async function policyFor(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customerId: string): Promise<SecurityPolicy> {
  const due = passkeyDueAt(await deps.store.operators.listCohorts(), customerId);
  if (due === undefined || due > deps.clock.now()) return deps.policy;
  if (deps.policy.phishingResistant.has('login') && deps.policy.phishingResistant.has('withdrawal')) return deps.policy;
  return Object.freeze({ ...deps.policy, phishingResistant: new Set([...deps.policy.phishingResistant, 'login', 'withdrawal']) });
}
