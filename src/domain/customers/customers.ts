import type { Deps } from '../kernel/context.js';
import { newId } from '../kernel/crypto.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { checkNewPassword } from '../settings/passwords.js';
import { validateBankAccount, validateEmail } from '../settings/profile.js';
import { last4, parseDomesticPhone } from '../kernel/phone-numbers.js';
import { endAllSessions } from '../sessions/sessions.js';
import type { BankAccount, CustomerRecord } from '../kernel/types.js';

export interface NewCustomer {
  loginId?: string;
  name: string;
  email: string;
  password: string;
  tradingPassword: string;
  phone?: string;
  address?: string;
  bankAccount?: BankAccount;
}

export const LOGIN_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$';

/** Account opening, from the firm's trusted records: the phone is taken as given but not yet proven. */
export async function createCustomer(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'hasher' | 'policy'>, input: NewCustomer, actor = 'admin'): Promise<CustomerRecord | Failure> {
  const loginId = input.loginId ?? generateLoginId(deps);
  if (!new RegExp(LOGIN_ID_PATTERN).test(loginId)) return fail('invalid_request', { field: 'loginId', reason: '3-64 letters, digits, . _ -' });
  const invalid = validateEmail(input.email) ?? (input.bankAccount && validateBankAccount(input.bankAccount));
  if (invalid) return invalid;
  const phone = input.phone !== undefined ? parseDomesticPhone(input.phone) : undefined;
  if (isFailure(phone)) return phone;
  const weakLogin = await checkNewPassword(deps, { loginId }, 'login', input.password);
  if (weakLogin) return { ...weakLogin, fields: { ...weakLogin.fields, field: 'password' } };
  const [passwordHash, tradingWeak] = await Promise.all([
    deps.hasher.hash(input.password),
    checkNewPassword(deps, { loginId }, 'trading', input.tradingPassword),
  ]);
  if (tradingWeak) return { ...tradingWeak, fields: { ...tradingWeak.fields, field: 'tradingPassword' } };
  if (input.password === input.tradingPassword) return fail('weak_password', { reason: 'same_as_other_password', field: 'tradingPassword' });
  const now = deps.clock.now();
  const customer: CustomerRecord = {
    id: newId(deps.random, 12),
    loginId,
    name: input.name,
    email: input.email,
    address: input.address ?? null,
    passwordHash,
    tradingPasswordHash: await deps.hasher.hash(input.tradingPassword),
    phone: phone?.e164 ?? null,
    phoneType: phone?.type ?? null,
    phoneVerified: false,
    mfaMethod: 'none',
    mfaScope: 'all',
    failedLogins: 0,
    lockCount: 0,
    lockedUntil: null,
    tradingFailures: 0,
    tradingLockedUntil: null,
    factorLocked: false,
    bankAccount: input.bankAccount ?? null,
    contactChangedAt: null,
    credentialVersion: 0,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await deps.store.customers.insert(customer))) return fail('login_id_taken');
  await recordAudit(deps, customer.id, 'customer_created', { loginId, phoneLast4: customer.phone ? last4(customer.phone) : null }, actor);
  return customer;
}

function generateLoginId(deps: Pick<Deps, 'random'>): string {
  return `k${String(deps.random.int(100_000_000)).padStart(8, '0')}`;
}

/** Operator: lift login and trading locks after the customer called in. */
export async function unlockCustomer(deps: Pick<Deps, 'store' | 'clock'>, customer: CustomerRecord, actor: string): Promise<void> {
  await deps.store.customers.resetLoginFailures(customer.id);
  await deps.store.customers.resetTradingFailures(customer.id);
  await deps.store.customers.update(customer.id, { factorLocked: false, updatedAt: deps.clock.now() });
  await recordAudit(deps, customer.id, 'unlocked', {}, actor);
}

/** Operator: a lost phone, after identity checks at the call centre. The customer sets 2FA up again. */
export async function resetMfa(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>, customer: CustomerRecord, actor: string): Promise<void> {
  const now = deps.clock.now();
  await withinTransaction(deps, async (deps) => {
    await deps.store.customers.update(customer.id, { mfaMethod: 'none', phoneVerified: false, factorLocked: false, updatedAt: now });
    // The lost device may hold the app, a passkey or the recovery codes' photo; and with the
    // phishing-resistant policy a remaining passkey would be the only way in.
    await deps.store.factors.deleteAllFactors(customer.id);
    await endAllSessions(deps, customer.id);
    await recordAudit(deps, customer.id, 'mfa_reset', { previous: customer.mfaMethod }, actor);
    await queueNotice(deps, customer, 'mfa_reset');
  });
}

/** The `Customer` of the API. */
export function viewCustomer(deps: Pick<Deps, 'policy'>, customer: CustomerRecord) {
  return {
    loginId: customer.loginId,
    name: customer.name,
    email: customer.email,
    phone: customer.phone ? { last4: last4(customer.phone), type: customer.phoneType, verified: customer.phoneVerified } : null,
    mfa: { method: customer.mfaMethod, scope: customer.mfaScope, requiredByPolicy: deps.policy.mfaRequired },
  };
}
