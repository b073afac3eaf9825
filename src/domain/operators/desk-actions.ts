import type { Deps } from '../kernel/context.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, Refusal, refusableTransaction } from '../kernel/notices.js';
import type { BankAccount, CustomerRecord } from '../kernel/types.js';
import { resetMfa } from '../customers/customers.js';
import { depositCash, viewEntry } from '../money/ledger.js';
import type { PriceFeed } from '../money/instruments.js';
import { releaseHold } from '../money/risk-holds.js';
import { FREEZE_LEVELS, refuseIfFrozen, refuseOperatorLift, unfreeze, type FreezeLevel } from '../protection/freeze.js';
import { validateBankAccount } from '../settings/profile.js';
import { requestApproval, type ApprovalKinds, type ApprovalView } from './approvals.js';
import type { OperatorCaller } from './operators.js';

// The actions that need four eyes, by kind: what each checks at request, who may approve it, what the
// customer is told, and what runs once approved: an MFA reset, a bank-account change by the desk, a
// deposit, lifting a freeze, releasing a risk hold. The composition root builds them once (kabuto.approvalKinds):
// releasing a risk hold needs the price feed.

const noCustomer = (customer: CustomerRecord | undefined) => (customer ? undefined : fail('not_found'));

function bankAccountOf(payload: Record<string, unknown>): BankAccount | undefined {
  const bank = payload.bankAccount as Partial<BankAccount> | undefined;
  if (!bank || typeof bank !== 'object') return undefined;
  const { bankName, branchName, accountNumber, holderName } = bank;
  if (typeof bankName !== 'string' || typeof branchName !== 'string' || typeof accountNumber !== 'string' || typeof holderName !== 'string') return undefined;
  return { bankName, branchName, accountNumber, holderName };
}

/**
 * The desk changes a customer's bank account (a written request received): cooling-off and notice as the
 * customer's own change. Not while the customer has frozen withdrawals and bank-account changes (取引制限):
 * read once the write holds the customer's row, as for the customer's own change (settings/profile.ts).
 */
async function changeBankAccount(deps: Deps, customer: CustomerRecord, bank: BankAccount, actor: string) {
  const now = deps.clock.now();
  const changed = await refusableTransaction(deps, async (deps) => {
    await deps.store.customers.update(customer.id, { bankAccount: bank, contactChangedAt: now, updatedAt: now });
    const frozen = await refuseIfFrozen(deps, customer.id, 'withdrawals');
    if (frozen) throw new Refusal(frozen);
    await recordAudit(deps, customer.id, 'bank_account_changed_by_desk', { bankName: bank.bankName, accountLast4: bank.accountNumber.slice(-4) }, actor);
    await queueNotice(deps, customer, 'profile_changed', { fields: '出金先口座 / bank account' });
  });
  return isFailure(changed) ? changed : { accountLast4: bank.accountNumber.slice(-4) };
}

/** The levels of an unfreeze request's payload, or undefined when they are not a non-empty list of known levels. */
function levelsOf(payload: Record<string, unknown>): FreezeLevel[] | undefined {
  const levels = payload.levels;
  if (!Array.isArray(levels) || levels.length === 0) return undefined;
  return levels.every((l): l is FreezeLevel => (FREEZE_LEVELS as readonly unknown[]).includes(l)) ? levels : undefined;
}

export function approvalKinds(prices: PriceFeed): ApprovalKinds {
  return {
    mfa_reset: {
      approverRoles: ['supervisor', 'security'],
      notice: { ja: '二要素認証のリセット', en: 'reset your two-factor authentication' },
      check: (_deps, customer) => noCustomer(customer),
      async execute(deps, _request, customer, actor) {
        if (!customer) return fail('not_found');
        await resetMfa(deps, customer, actor);
        return { status: 'reset' };
      },
    },
    bank_account_change: {
      approverRoles: ['supervisor'],
      notice: { ja: '出金先口座の変更', en: 'change your bank account for withdrawals' },
      check(_deps, customer, payload) {
        const bank = bankAccountOf(payload);
        return noCustomer(customer) ?? (bank ? validateBankAccount(bank) : fail('invalid_request', { field: 'bankAccount', reason: 'required' }));
      },
      async execute(deps, request, customer, actor) {
        const bank = bankAccountOf(request.payload);
        if (!customer || !bank) return fail('not_found');
        return changeBankAccount(deps, customer, bank, actor);
      },
    },
    deposit: {
      approverRoles: ['supervisor'],
      check(_deps, customer, payload) {
        const amount = payload.amount;
        return noCustomer(customer) ?? (Number.isSafeInteger(amount) && (amount as number) > 0 ? undefined : fail('invalid_amount'));
      },
      async execute(deps, request, customer, actor) {
        if (!customer) return fail('not_found');
        const entry = await depositCash(deps, customer.id, request.payload.amount as number, 'deposit', actor);
        return isFailure(entry) ? entry : { entry: viewEntry(entry) };
      },
    },
    // 取引制限の解除 for a customer with no passkey that may lift it (protection/freeze.ts): the operator who
    // made the fresh identity check names it and asks; a second one approves, and the lift runs with the
    // approver as its actor (withdrawals then cool off). The customer hears of the request and of the lift.
    unfreeze: {
      approverRoles: ['supervisor', 'security'],
      notice: { ja: '取引制限（ログイン一時停止を含む）の解除', en: 'lift the freeze on your account' },
      check(_deps, customer, payload) {
        if (!levelsOf(payload)) return fail('invalid_request', { field: 'levels', reason: `one or more of ${FREEZE_LEVELS.join(', ')}` });
        const check = payload.identityCheck;
        return noCustomer(customer) ?? (typeof check === 'string' && check.trim().length > 0 ? undefined : fail('invalid_request', { field: 'identityCheck', reason: 'required' }));
      },
      async execute(deps, request, customer, actor) {
        const levels = levelsOf(request.payload);
        if (!customer || !levels) return fail('not_found');
        const lifted = await unfreeze(deps, customer, { by: 'operator', levels, reason: request.reason, identityCheck: String(request.payload.identityCheck), actor });
        return isFailure(lifted) ? lifted : { freeze: lifted };
      },
    },
    // The risk engine held an order or a withdrawal (src/domain/money/risk-holds.ts); an operator lifting
    // the hold runs it, so it takes two: one security operator asks, another approves. The customer's own
    // passkey confirmation needs no operator at all; whichever comes first wins the hold (releaseHold).
    risk_hold_release: {
      approverRoles: ['security'],
      notice: { ja: '保留中のお取引の実行', en: 'carry out your held order or withdrawal' },
      check: (_deps, customer, payload) => noCustomer(customer) ?? (typeof payload.holdId === 'string' ? undefined : fail('invalid_request', { field: 'holdId', reason: 'required' })),
      async execute(deps, request, _customer, actor) {
        const hold = await releaseHold(deps, prices, String(request.payload.holdId), actor);
        return isFailure(hold) ? hold : { hold: hold.id, kind: hold.kind, status: hold.status, result: hold.result };
      },
    },
  };
}

/** An operator asks to release a held order or withdrawal: the hold must be waiting; a second operator approves. */
export async function requestHoldRelease(deps: Deps, kinds: ApprovalKinds, caller: OperatorCaller, holdId: string, reason: string): Promise<ApprovalView | Failure> {
  const hold = await deps.store.risk.findHold(holdId);
  if (!hold) return fail('not_found');
  if (hold.status !== 'held') return fail('hold_not_pending', { status: hold.status });
  const customer = await deps.store.customers.findById(hold.customerId);
  return requestApproval(deps, kinds, caller, { kind: 'risk_hold_release', ...(customer ? { customer } : {}), payload: { holdId, kind: hold.kind }, reason });
}

/**
 * An operator asks to lift a customer's freeze after a fresh identity check: refused at once where the
 * customer has a passkey that lifts it (they lift it themselves); a second operator approves.
 */
export async function requestUnfreeze(
  deps: Deps,
  kinds: ApprovalKinds,
  caller: OperatorCaller,
  customer: CustomerRecord,
  input: { levels: FreezeLevel[]; reason: string; identityCheck: string },
): Promise<ApprovalView | Failure> {
  const refused = await refuseOperatorLift(deps, customer.id, input.levels);
  if (refused) return refused;
  return requestApproval(deps, kinds, caller, { kind: 'unfreeze', customer, payload: { levels: input.levels, identityCheck: input.identityCheck }, reason: input.reason });
}
