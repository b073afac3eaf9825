import type { Deps } from '../kernel/context.js';
import { freezeOf, refuseIfFrozen } from '../protection/freeze.js';
import { formatYen, hashContent } from '../challenges/create.js';
import { newId } from '../kernel/crypto.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { isAmount } from './ledger.js';
import { replay, requestHash, type MovementOutcome } from './ledger-keys.js';
import type { ChallengeMatch, WithdrawalRecord, WithdrawalView } from '../kernel/money-store.js';
import { noticeFor } from '../kernel/notices.js';
import { challengeOfSession, requireStepUp, scopeCoversOperations } from '../challenges/step-up.js';
import { checkTradingPassword } from '../factors/trading-password.js';
import { contactsOfWindow, oldContactNotices } from './withdrawal-cooling-off.js';
import { policyDemandsStepUp, policyFor, youngPasskeysOnly } from '../factors/phishing-resistance.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';
import { last4 } from '../kernel/phone-numbers.js';
import { recordDecision } from '../risk/engine.js';
import { checkWithdrawalRisk, heldAgain, holdMovement, type HeldView, type RiskClient } from './risk-checks.js';

export interface WithdrawalRequest {
  amount: number;
  tradingPassword: string;
  idempotencyKey: string;
  challengeId?: string;
}

export type { WithdrawalView };

export function viewWithdrawal(w: Omit<WithdrawalRecord, 'seq'>, now: number): WithdrawalView {
  const held = w.heldUntil !== null && w.heldUntil > now;
  return {
    id: w.id,
    amount: w.amount,
    status: w.cancelledAt != null ? 'cancelled' : held ? 'pending' : 'completed',
    heldUntil: w.heldUntil === null ? null : new Date(w.heldUntil).toISOString(),
    bankAccount: { last4: last4(w.bankAccount.accountNumber) },
    requestedAt: new Date(w.at).toISOString(),
  };
}

/**
 * Within 24 hours of a change of phone, e-mail or bank account, a withdrawal is held for 24 hours; so
 * it is within 24 hours of a freeze's lift (`liftedAt`, issue 16.2).
 */
export function heldUntil(deps: Pick<Deps, 'policy'>, customer: CustomerRecord, now: number, liftedAt: number | null = null): number | null {
  const changed = Math.max(customer.contactChangedAt ?? -Infinity, liftedAt ?? -Infinity);
  return Number.isFinite(changed) && now - changed < deps.policy.coolingOffMs ? now + deps.policy.coolingOffMs : null;
}

/**
 * 出金指示: to the registered bank account only. Trading password first; then, with MFA scope `all`,
 * a challenge bound to the amount and the destination, consumed in the same transaction that debits
 * the balance. The idempotency key is claimed in that transaction too: a request refused with 401,
 * 403 or 429 has not used it.
 */
export async function requestWithdrawal(deps: Deps, customer: CustomerRecord, session: SessionRecord, request: WithdrawalRequest, client: RiskClient): Promise<MovementOutcome<WithdrawalView | HeldView>> {
  const result = await attemptWithdrawal(deps, customer, session, request, client);
  // Operators watch refusals by code (metrics); a made withdrawal reports its own status below.
  if (isFailure(result)) deps.events.withdrawal(result.code);
  return result;
}

async function attemptWithdrawal(deps: Deps, customer: CustomerRecord, session: SessionRecord, request: WithdrawalRequest, client: RiskClient): Promise<MovementOutcome<WithdrawalView | HeldView>> {
  if (!isAmount(request.amount)) return fail('invalid_amount');
  const bank = customer.bankAccount;
  if (!bank) return fail('no_bank_account');
  // 取引制限 (withdrawals): refused before the trading password is even judged (and checked again
  // inside the debit's transaction: executeWithdrawal).
  const frozen = await refuseIfFrozen(deps, customer.id, 'withdrawals');
  if (frozen) return frozen;
  const password = await checkTradingPassword(deps, customer, request.tradingPassword);
  if (password !== true) return password;

  const hash = requestHash(deps, 'withdrawal', { amount: request.amount });
  const previous = await deps.store.money.findKey(customer.id, request.idempotencyKey);
  if (previous) return replay<WithdrawalView>(previous, hash);
  const held = await deps.store.risk.findHoldByKey(customer.id, request.idempotencyKey);
  if (held) return heldAgain(held, hash);

  // The destination is part of the approved content: a bank account changed after the code was
  // verified makes the challenge useless.
  const content = { amount: request.amount, bankAccount: bank };
  let challenge: ChallengeMatch | undefined;
  // The passkey migration: a customer whose cohort reached its date withdraws with a passkey.
  const policed = policyDemandsStepUp(await policyFor(deps, customer.id), 'withdrawal', content);
  if (scopeCoversOperations(deps.policy, customer) || policed) {
    // Under the policy a passkey still in its cooling-off approves no money: refused, not held.
    const cooling = policed ? await youngPasskeysOnly(deps, customer.id) : undefined;
    if (cooling) return cooling;
    if (request.challengeId === undefined) {
      return requireStepUp(deps, { customer, session, purpose: 'withdrawal', content, summary: `出金 ${formatYen(request.amount)}` });
    }
    // A step-up verified in another session (of the same customer) approves nothing here.
    if (!(await challengeOfSession(deps, request.challengeId, session))) {
      deps.events.stepUp('withdrawal', 'mismatch');
      return fail('challenge_mismatch');
    }
    challenge = { id: request.challengeId, purpose: 'withdrawal', contentHash: hashContent(deps, 'withdrawal', content) };
  }

  // The risk engine, after the step-up (a relayed code passes it; a held withdrawal does not spend the challenge).
  const risk = await checkWithdrawalRisk(deps, customer, client, request.amount);
  if (risk.outcome === 'hold') return holdMovement(deps, customer, risk, { kind: 'withdrawal', request: { amount: request.amount, bankAccount: bank, requestHash: hash }, idempotencyKey: request.idempotencyKey });
  await recordDecision(deps, risk);
  if (risk.outcome === 'refuse') return fail('risk_refused');
  return executeWithdrawal(deps, customer, { amount: request.amount, idempotencyKey: request.idempotencyKey }, hash, challenge);
}

/** The debit itself: a withdrawal past its checks, or a held one released (no challenge then). */
export async function executeWithdrawal(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'firmName' | 'events'>,
  customer: CustomerRecord,
  request: { amount: number; idempotencyKey: string },
  hash: string,
  challenge: ChallengeMatch | undefined,
): Promise<MovementOutcome<WithdrawalView>> {
  const bank = customer.bankAccount;
  if (!bank) return fail('no_bank_account');
  // A lift racing this debit (its cooling-off not yet counted here) is tried again with it.
  for (let attempt = 1; ; attempt++) {
    const { liftedAt } = await freezeOf(deps, customer.id);
    const outcome = await debitWithdrawal(deps, customer, bank, request, hash, challenge, liftedAt);
    if (outcome !== 'lifted_meanwhile') return outcome;
    if (attempt === 3) return fail('account_frozen', { level: 'withdrawals' });
  }
}

async function debitWithdrawal(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'firmName' | 'events'>,
  customer: CustomerRecord,
  bank: NonNullable<CustomerRecord['bankAccount']>,
  request: { amount: number; idempotencyKey: string },
  hash: string,
  challenge: ChallengeMatch | undefined,
  liftedAt: number | null,
): Promise<MovementOutcome<WithdrawalView> | 'lifted_meanwhile'> {
  const now = deps.clock.now();
  const withdrawal = { id: newId(deps.random, 12), customerId: customer.id, amount: request.amount, bankAccount: bank, heldUntil: heldUntil(deps, customer, now, liftedAt), at: now };
  const view = viewWithdrawal(withdrawal, now);
  const noticeStatus = view.status === 'pending' ? '保留中 pending（24時間 / 24 hours）' : '受付済 completed';
  const result = await deps.store.money.withdraw({
    claim: { customerId: customer.id, key: request.idempotencyKey, requestHash: hash, now },
    // Audit entry and notice commit with the debit (durable outbox): a crash just past the commit loses neither.
    audit: { customerId: customer.id, at: now, actor: 'customer', action: 'withdrawal_requested', detail: { id: withdrawal.id, amount: withdrawal.amount, status: view.status, bankAccountLast4: view.bankAccount.last4 } },
    // A held withdrawal also tells every contact of the cooling-off window, in the same transaction.
    notices: [
      noticeFor(deps, customer, 'withdrawal_requested', { amount: request.amount.toLocaleString('ja-JP'), last4: view.bankAccount.last4, status: noticeStatus }),
      ...(withdrawal.heldUntil !== null ? await oldContactNotices(deps, customer, withdrawal) : []),
    ],
    challenge,
    withdrawal,
    // 取引制限, read again under the customer's row lock with the debit: a freeze racing it cannot slip in between.
    freeze: { level: 'withdrawals', liftedAt },
    success: { kind: 'done', body: view },
    refusal: { kind: 'refused', code: 'insufficient_cash' },
  });
  if (result.status === 'frozen') return fail('account_frozen', { level: result.level });
  if (result.status === 'lifted_meanwhile') return 'lifted_meanwhile';
  if (result.status === 'challenge_mismatch') {
    deps.events.stepUp('withdrawal', 'mismatch');
    return fail('challenge_mismatch');
  }
  if (result.status === 'replay') return replay<WithdrawalView>(result.previous, hash);
  if (challenge) deps.events.stepUp('withdrawal', 'passed');
  if (result.status === 'refused') return fail('insufficient_cash');

  deps.events.withdrawal(view.status);
  return { kind: 'done', body: view };
}

export interface WithdrawalCancel {
  tradingPassword: string;
}

/**
 * 出金の取消: a withdrawal still held by the cooling-off goes back to cash, once. The trading password
 * guards it, as it guards orders; no second factor is asked, on purpose: cancelling moves no money
 * out, and the customer who needs it most is the one whose second factor a thief just replaced (a
 * planted passkey, a new phone). A repeat answers the same cancelled withdrawal and refunds nothing;
 * a completed one answers 409 withdrawal_not_cancellable. Audited, and every contact of the
 * cooling-off window is told.
 */
export async function cancelWithdrawal(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'hasher' | 'policy' | 'events' | 'firmName'>, customer: CustomerRecord, id: string, request: WithdrawalCancel): Promise<WithdrawalView | Failure> {
  const password = await checkTradingPassword(deps, customer, request.tradingPassword);
  if (password !== true) return password;
  const now = deps.clock.now();
  const replaced = (await contactsOfWindow(deps, customer)).emails;
  // The audit entry and the notices commit with the credit (durable outbox).
  const result = await deps.store.money.cancelWithdrawal(customer.id, id, now, (cancelled) => {
    const accountLast4 = last4(cancelled.bankAccount.accountNumber);
    const params = { amount: cancelled.amount.toLocaleString('ja-JP'), last4: accountLast4 };
    return {
      audit: { customerId: customer.id, at: now, actor: 'customer', action: 'withdrawal_cancelled', detail: { id, amount: cancelled.amount, bankAccountLast4: accountLast4 } },
      notices: [customer.email, ...replaced].map((to) => noticeFor(deps, to, 'withdrawal_cancelled', params)),
    };
  });
  if (result.status === 'not_found') return fail('not_found');
  const view = viewWithdrawal(result.record, now);
  if (result.status === 'not_held') return fail('withdrawal_not_cancellable', { withdrawal: view });
  if (result.status === 'already_cancelled') return view;
  deps.events.withdrawal('cancelled');
  return view;
}
