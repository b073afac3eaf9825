import type { Deps } from '../kernel/context.js';
import { defaultSummary } from '../challenges/create.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { passStepUp, scopeCoversOperations } from '../challenges/step-up.js';
import { checkTradingPassword } from '../factors/trading-password.js';
import { policyDemandsStepUp, youngPasskeysOnly } from '../factors/phishing-resistance.js';
import type { BankAccount, CustomerRecord, SessionRecord } from '../kernel/types.js';
import { last4 } from '../kernel/phone-numbers.js';
import { endOtherSessions } from '../sessions/sessions.js';

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
 * 登録情報の変更: with MFA scope `all` (or a mandatory policy) it needs the second factor; e-mail and
 * bank changes start the cooling-off; an e-mail change ends the customer's other sessions.
 */
export async function changeProfile(deps: Deps, customer: CustomerRecord, session: SessionRecord, change: ProfileChange): Promise<CustomerRecord | Failure> {
  const invalid = (change.email !== undefined && validateEmail(change.email)) || (change.bankAccount && validateBankAccount(change.bankAccount));
  if (invalid) return invalid;
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
  const contactChanged = (change.email !== undefined && change.email !== customer.email) || change.bankAccount !== undefined;
  const patch: Partial<CustomerRecord> = {
    ...(change.email !== undefined ? { email: change.email } : {}),
    ...(change.address !== undefined ? { address: change.address } : {}),
    ...(change.bankAccount !== undefined ? { bankAccount: change.bankAccount } : {}),
    ...(contactChanged ? { contactChangedAt: now } : {}),
    updatedAt: now,
  };
  const fields = Object.keys(content).filter((k) => content[k as keyof typeof content] !== undefined);
  // The change, its audit entry and its notices commit together (durable outbox).
  const emailChanged = change.email !== undefined && change.email !== customer.email;
  await withinTransaction(deps, async (deps) => {
    await deps.store.customers.update(customer.id, patch);
    if (emailChanged) {
      // Kept for the cooling-off: the replaced address hears of every withdrawal and new passkey in the window.
      await deps.store.customers.recordReplacedContact(customer.id, { kind: 'email', value: customer.email, phoneType: null, replacedAt: now });
      // A new address is a new way to reach (and recover) the account: other sessions end.
      await endOtherSessions(deps, session);
    }
    await recordAudit(deps, customer.id, 'profile_changed', {
      fields,
      ...(change.bankAccount ? { bankAccountLast4: last4(change.bankAccount.accountNumber) } : {}),
      // The cooling-off tells the replaced address of a withdrawal held after the change.
      ...(change.email !== undefined && change.email !== customer.email ? { previousEmail: customer.email } : {}),
    });
    // The old address hears of a change of address: a thief's new address would hide it otherwise.
    await queueNotice(deps, customer, 'profile_changed', { fields: fields.join(', ') });
    if (change.email !== undefined && change.email !== customer.email) await queueNotice(deps, change.email, 'profile_changed', { fields: fields.join(', ') });
  });
  return { ...customer, ...patch };
}
