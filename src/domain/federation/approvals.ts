import { refuseIfFrozen } from '../protection/freeze.js';
import type { Deps } from '../kernel/context.js';
import { canonicalJson, hmacHex } from '../kernel/crypto.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { formatYen } from '../challenges/create.js';
import { passStepUp, requireStepUp } from '../challenges/step-up.js';
import { policyDemandsStepUp, policyFor, youngPasskeysOnly } from '../factors/phishing-resistance.js';
import { isAmount } from '../money/ledger.js';
import { checkWithdrawalRisk, type RiskClient } from '../money/risk-checks.js';
import { recordDecision } from '../risk/engine.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';
import type { FederationStore } from './ports.js';

// Transaction approval for other back ends (RFC 9396 Rich Authorization Requests, docs/oidc.md).
// A relying party asks for `{"type":"withdrawal","amount":50000,"currency":"JPY","bankAccount":{...}}`;
// the customer approves it with the same step-up as Kabuto's own withdrawals (the same screen, the same
// SMS text `出金 50,000円`, the phishing-resistant policy and the passkey cooling-off), bound to this
// content, this client and this session; the access token carries the approved detail, and the relying
// party's back end redeems it once, for this content only.

export interface WithdrawalDetail {
  type: 'withdrawal';
  amount: number;
  currency: 'JPY';
  bankAccount: { accountNumber: string; bankName?: string; branchName?: string };
}

const DETAIL_KEYS = new Set(['type', 'amount', 'currency', 'bankAccount']);
const ACCOUNT_KEYS = new Set(['accountNumber', 'bankName', 'branchName']);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const shortText = (value: unknown, max: number) => value === undefined || (typeof value === 'string' && value.length > 0 && value.length <= max);

/** A `withdrawal` authorization detail, checked: integer yen, JPY, an account number; nothing else. */
export function parseWithdrawalDetail(detail: unknown): WithdrawalDetail | Failure {
  if (!isRecord(detail) || detail.type !== 'withdrawal') return fail('invalid_request', { field: 'type' });
  const unknown = Object.keys(detail).find((key) => !DETAIL_KEYS.has(key));
  if (unknown) return fail('invalid_request', { field: unknown, reason: 'unknown field' });
  if (!isAmount(detail.amount)) return fail('invalid_amount', { field: 'amount' });
  if (detail.currency !== undefined && detail.currency !== 'JPY') return fail('invalid_request', { field: 'currency', reason: 'JPY only' });
  const account = detail.bankAccount;
  if (!isRecord(account) || Object.keys(account).some((key) => !ACCOUNT_KEYS.has(key))) return fail('invalid_request', { field: 'bankAccount' });
  if (typeof account.accountNumber !== 'string' || !/^[0-9]{4,16}$/.test(account.accountNumber)) return fail('invalid_request', { field: 'bankAccount.accountNumber' });
  if (!shortText(account.bankName, 100) || !shortText(account.branchName, 100)) return fail('invalid_request', { field: 'bankAccount' });
  const bankAccount: WithdrawalDetail['bankAccount'] = { accountNumber: account.accountNumber };
  if (typeof account.bankName === 'string') bankAccount.bankName = account.bankName;
  if (typeof account.branchName === 'string') bankAccount.branchName = account.branchName;
  return { type: 'withdrawal', amount: detail.amount, currency: 'JPY', bankAccount };
}

export interface ApprovalRequest {
  customer: CustomerRecord;
  session: SessionRecord;
  clientId: string;
  /** As the customer saw it on the approval screen (their notice names it). */
  clientName: string;
  detail: unknown;
  challengeId: string | undefined;
  /** Where the customer's browser is: the address the risk engine places, as for a withdrawal in the portal. */
  client: RiskClient;
}

/**
 * The customer's own bars on withdrawals (issue 16, 取引制限: the withdrawal freeze), asked before any step-up
 * (nothing is sent to a customer who could not approve anyway) and again at redemption (a freeze set after the
 * approval bars it too): 423 account_frozen.
 */
async function refuseIfBarred(deps: Pick<Deps, 'store'>, customerId: string): Promise<Failure | undefined> {
  return refuseIfFrozen(deps, customerId, 'withdrawals');
}

/**
 * The risk engine's look at the withdrawal, the same as for a withdrawal in the portal
 * (`checkWithdrawalRisk`, after the step-up, the decision kept with its audit entry). A relying party's
 * withdrawal runs in its own back end, so there is nothing for Kabuto to keep on hold and release later:
 * a decision that would hold the portal's withdrawal refuses the approval (403 risk_refused), as a refusal does.
 */
async function refuseIfRisky(deps: Deps, customer: CustomerRecord, client: RiskClient, amount: number): Promise<Failure | undefined> {
  const risk = await checkWithdrawalRisk(deps, customer, client, amount);
  await recordDecision(deps, risk);
  if (risk.outcome === 'allow') return undefined;
  return fail('risk_refused');
}

/**
 * Approves one withdrawal for a relying party: the detail must name the customer's registered account
 * (withdrawals go nowhere else); then the step-up, always (the relying party asked for the customer's
 * explicit approval): without `challengeId` a challenge bound to the amount, the account, the client and
 * the session (403 step_up_required); with it, that verified challenge consumed once. Under the
 * phishing-resistant policy only a passkey past its cooling-off approves, as for Kabuto's own withdrawals.
 * Then the risk engine, as for a withdrawal in the portal (`refuseIfRisky`); the customer's own bars
 * (freezes) are asked first of all (`refuseIfBarred`). A relying party is no way around either.
 */
export async function approveWithdrawal(deps: Deps, request: ApprovalRequest): Promise<WithdrawalDetail | Failure> {
  const detail = parseWithdrawalDetail(request.detail);
  if (isFailure(detail)) return detail;
  const bank = request.customer.bankAccount;
  if (!bank) return fail('no_bank_account');
  const barred = await refuseIfBarred(deps, request.customer.id);
  if (barred) return barred;
  const named = detail.bankAccount;
  if (named.accountNumber !== bank.accountNumber || (named.bankName !== undefined && named.bankName !== bank.bankName) || (named.branchName !== undefined && named.branchName !== bank.branchName)) {
    return fail('approval_mismatch', { field: 'bankAccount' });
  }
  // The same content as a withdrawal inside Kabuto, plus the client: a challenge verified here approves
  // nothing in Kabuto's own ledger, nor for another relying party.
  const content = { amount: detail.amount, bankAccount: bank, client: request.clientId };
  // The customer's own policy: a passkey-migration cohort past its due date makes withdrawals phishing-resistant.
  if (policyDemandsStepUp(await policyFor(deps, request.customer.id), 'withdrawal', content)) {
    const cooling = await youngPasskeysOnly(deps, request.customer.id);
    if (cooling) return cooling;
  }
  const stepUp = { customer: request.customer, session: request.session, purpose: 'withdrawal' as const, content, summary: `出金 ${formatYen(detail.amount)}` };
  if (request.challengeId === undefined) return requireStepUp(deps, stepUp);
  const passed = await passStepUp(deps, { ...stepUp, challengeId: request.challengeId });
  if (passed !== true) return passed;
  // After the step-up, as in the portal: a relayed code passes it, the risk engine does not.
  const risky = await refuseIfRisky(deps, request.customer, request.client, detail.amount);
  if (risky) return risky;
  const last4 = bank.accountNumber.slice(-4);
  // The audit entry and the customer's notice commit together (durable outbox).
  await withinTransaction(deps, async (deps) => {
    await recordAudit(deps, request.customer.id, 'oidc_withdrawal_approved', { clientId: request.clientId, amount: detail.amount, bankAccountLast4: last4 });
    await queueNotice(deps, request.customer, 'federated_withdrawal_approved', { name: request.clientName, amount: detail.amount.toLocaleString('ja-JP'), last4 });
  });
  return detail;
}

/** What a relying party's back end presents when it redeems an approval. */
export interface Redemption {
  type: string;
  amount: unknown;
}

export interface ApprovedToken {
  /** The access token's id (the provider's jti). */
  id: string;
  clientId: string;
  customerId: string;
  details: readonly unknown[];
}

/**
 * Uses an approval once: the access token must carry a withdrawal detail for exactly this amount (403
 * approval_mismatch otherwise, the approval left unused), and is spent by one conditional insert (409
 * approval_used for every later attempt, concurrent ones included).
 */
export async function redeemApproval(deps: Pick<Deps, 'store' | 'clock' | 'secrets'>, store: FederationStore, token: ApprovedToken, presented: Redemption): Promise<WithdrawalDetail | Failure> {
  const approved = token.details.map(parseWithdrawalDetail).find((detail): detail is WithdrawalDetail => !isFailure(detail));
  if (!approved) return fail('approval_mismatch', { field: 'type' });
  if (presented.type !== approved.type) return fail('approval_mismatch', { field: 'type' });
  if (presented.amount !== approved.amount) return fail('approval_mismatch', { field: 'amount' });
  // A freeze the customer set after approving bars the money the approval would move (423, still unused).
  const barred = await refuseIfBarred(deps, token.customerId);
  if (barred) return barred;
  const now = deps.clock.now();
  const detailHash = hmacHex(deps.secrets.codeKey, `oidc-approval:${canonicalJson(approved)}`);
  // The freeze is read again where the single use is written: one committed since the look above bars it too.
  const redeemed = await store.redemptions.redeem({ tokenId: token.id, clientId: token.clientId, customerId: token.customerId, detailHash, redeemedAt: now });
  if (redeemed === 'frozen') return fail('account_frozen', { level: 'withdrawals' });
  if (redeemed === 'used') return fail('approval_used');
  await recordAudit(deps, token.customerId, 'oidc_approval_redeemed', { clientId: token.clientId, amount: approved.amount }, `client:${token.clientId}`);
  return approved;
}
