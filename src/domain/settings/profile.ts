import type { Deps } from '../kernel/context.js';
import { refuseIfFrozen } from '../protection/freeze.js';
import { defaultSummary } from '../challenges/create.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, Refusal, refusableTransaction } from '../kernel/notices.js';
import { passStepUp, scopeCoversOperations } from '../challenges/step-up.js';
import { checkTradingPassword } from '../factors/trading-password.js';
import { policyDemandsStepUp, youngPasskeysOnly } from '../factors/phishing-resistance.js';
import type { BankAccount, CustomerRecord, SessionRecord } from '../kernel/types.js';
import { last4 } from '../kernel/phone-numbers.js';
import { requestEmailChange } from './email-change.js';

export interface ProfileChange {
  email?: string;
  address?: string;
  bankAccount?: BankAccount;
  tradingPassword: string;
  challengeId?: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/;

export function validateEmail(email: string): Failure | undefined {
  return EMAIL.test(email) ? undefined : fail('invalid_request', { field: 'email', reason: 'not an e-mail address' });
}

export function validateBankAccount(bank: BankAccount): Failure | undefined {
  if (!/^[0-9]{7}$/.test(bank.accountNumber)) return fail('invalid_request', { field: 'bankAccount.accountNumber', reason: '7 digits' });
  for (const field of ['bankName', 'branchName', 'holderName'] as const) {
    if (bank[field].trim().length === 0) return fail('invalid_request', { field: `bankAccount.${field}`, reason: 'required' });
  }
  return undefined;
}

/**
 * 登録情報の変更: with MFA scope `all` (or a mandatory policy) it needs the second factor; a bank change
 * starts the cooling-off at once; a new e-mail address takes effect only when the code sent to it comes
 * back (email-change.ts: then the cooling-off starts and the other sessions end).
 */
export async function changeProfile(deps: Deps, customer: CustomerRecord, session: SessionRecord, change: ProfileChange): Promise<CustomerRecord | Failure> {
  const invalid = (change.email !== undefined && validateEmail(change.email)) || (change.bankAccount && validateBankAccount(change.bankAccount));
  if (invalid) return invalid;
  // 取引制限 (withdrawals) covers the bank account withdrawals go to (asked again inside the change's transaction).
  const frozen = change.bankAccount !== undefined ? await refuseIfFrozen(deps, customer.id, 'withdrawals') : undefined;
  if (frozen) return frozen;
  const password = await checkTradingPassword(deps, customer, change.tradingPassword);
  if (password !== true) return password;

  const content = { email: change.email, address: change.address, bankAccount: change.bankAccount };
  const policed = policyDemandsStepUp(deps.policy, 'registration_change', content);
  if (scopeCoversOperations(deps.policy, customer) || policed) {
    // Under the policy a passkey still in its cooling-off approves no bank change.
    const cooling = policed ? await youngPasskeysOnly(deps, customer.id) : undefined;
    if (cooling) return cooling;
    const passed = await passStepUp(deps, { customer, session, purpose: 'registration_change', content, summary: defaultSummary('registration_change'), challengeId: change.challengeId });
    if (passed !== true) return passed;
  }

  const now = deps.clock.now();
  // A new e-mail address waits for the code sent to it (email-change.ts); the rest takes effect now.
  const emailChanged = change.email !== undefined && change.email !== customer.email;
  const contactChanged = change.bankAccount !== undefined;
  const patch: Partial<CustomerRecord> = {
    ...(change.address !== undefined ? { address: change.address } : {}),
    ...(change.bankAccount !== undefined ? { bankAccount: change.bankAccount } : {}),
    ...(contactChanged ? { contactChangedAt: now } : {}),
    updatedAt: now,
  };
  const fields = (['address', 'bankAccount'] as const).filter((k) => content[k] !== undefined);
  if (fields.length > 0) {
    // The change, its audit entry and its notice commit together (durable outbox). A bank change reads the
    // freeze again once its write holds the customer's row: a freeze (which takes that row first,
    // protection-repo.ts) racing the step-up either committed before — refused here, nothing written — or
    // waits for this change and comes after it.
    const changed = await refusableTransaction(deps, async (deps) => {
      await deps.store.customers.update(customer.id, patch);
      const frozenMeanwhile = change.bankAccount !== undefined ? await refuseIfFrozen(deps, customer.id, 'withdrawals') : undefined;
      if (frozenMeanwhile) throw new Refusal(frozenMeanwhile);
      await recordAudit(deps, customer.id, 'profile_changed', { fields, ...(change.bankAccount ? { bankAccountLast4: last4(change.bankAccount.accountNumber) } : {}) });
      await queueNotice(deps, customer, 'profile_changed', { fields: fields.join(', ') });
    });
    if (isFailure(changed)) return changed;
  }
  if (emailChanged) {
    const requested = await requestEmailChange(deps, customer, change.email!);
    if (requested !== true) return requested;
  }
  return { ...customer, ...patch };
}
