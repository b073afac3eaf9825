import type { SecurityPolicy } from './policy.js';
import type { Purpose } from './types.js';

// KABUTO_PHISHING_RESISTANT (JSDA guideline, in force 2025-10-15): the named operations accept a
// passkey only. A code typed into a phishing site can be relayed; a passkey signs for our origin alone.

export type PhishingResistantOperation = 'login' | 'withdrawal' | 'bank_account';

/** Which policed operation a challenge is for, if any: a registration change counts when it carries a bank account. */
export function policedOperation(purpose: Purpose, content: unknown): PhishingResistantOperation | undefined {
  if (purpose === 'login') return 'login';
  if (purpose === 'withdrawal') return 'withdrawal';
  const bankAccount = typeof content === 'object' && content !== null ? (content as { bankAccount?: unknown }).bankAccount : undefined;
  if (purpose === 'registration_change' && bankAccount !== undefined) return 'bank_account';
  return undefined;
}

/**
 * Whether the policy itself demands a step-up for this operation, whatever the customer's MFA scope:
 * a withdrawal or bank-account change under it always proves a passkey.
 */
export function policyDemandsStepUp(policy: SecurityPolicy, purpose: Purpose, content: unknown): boolean {
  const operation = policedOperation(purpose, content);
  return operation !== undefined && operation !== 'login' && policy.phishingResistant.has(operation);
}

/**
 * The policy's decision for a new challenge, stored on it so verification checks what was decided.
 * One exception, for sign-in only: a customer with no passkey yet signs in with the factors they have,
 * or nobody could ever sign in to register one. Withdrawals and bank-account changes have no exception.
 */
export function phishingResistanceRequired(policy: SecurityPolicy, purpose: Purpose, content: unknown, passkeys: number): PhishingResistantOperation | undefined {
  const operation = policedOperation(purpose, content);
  if (!operation || !policy.phishingResistant.has(operation)) return undefined;
  if (operation === 'login' && passkeys === 0) return undefined;
  return operation;
}
