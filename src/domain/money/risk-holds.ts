import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Deps } from '../kernel/context.js';
import { recordAudit } from '../kernel/audit.js';
import { canonicalJson } from '../kernel/crypto.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import type { RiskHoldRecord } from '../kernel/risk-store.js';
import type { BankAccount, CustomerRecord } from '../kernel/types.js';
import { verifyPasskeyAssertion } from '../factors/passkey-assertion.js';
import { asTransports, WEBAUTHN_TIMEOUT_MS, type RelyingParty } from '../factors/passkey-ceremony.js';
import { passkeyMatureAt } from '../factors/phishing-resistance.js';
import type { PriceFeed } from './instruments.js';
import type { MovementOutcome } from './ledger-keys.js';
import { describeHold, heldView } from './risk-checks.js';
import type { Side } from '../kernel/money-store.js';
import { executeOrder } from './orders.js';
import { executeWithdrawal } from './withdrawals.js';
import { refuseIfFrozen } from '../protection/freeze.js';

// Orders and withdrawals the risk engine held (risk-checks.ts) wait for the customer's passkey (one past its
// cooling-off: a passkey planted by a thief does not confirm) or for an operator (release / reject, one
// domain function each, so a four-eyes approval can be put in front of release).

type HoldDeps = Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'firmName' | 'events'>;

/**
 * Release a held request: it runs now, as it was asked, at the current price (an order) or to the bank
 * account it named (a withdrawal; refused if the account changed meanwhile). One caller wins the hold.
 * `by` is `customer` (passkey) or the operator's actor name; the result is kept on the hold. The release,
 * the movement it runs, the result, the audit entry and the notices are one transaction: a crash or a
 * failure anywhere leaves the hold held, never released with nothing run.
 */
export async function releaseHold(deps: HoldDeps, prices: PriceFeed, holdId: string, by: string): Promise<RiskHoldRecord | Failure> {
  const now = deps.clock.now();
  // The customer's freeze (取引制限) refuses the release, and the hold stays held: 423 account_frozen. (The
  // movement reads the freeze again inside the transaction; a freeze racing this rolls the release back.)
  const pending = await deps.store.risk.findHold(holdId);
  if (pending?.status === 'held') {
    const frozen = await refuseIfFrozen(deps, pending.customerId, pending.kind === 'order' ? 'orders' : 'withdrawals');
    if (frozen) return frozen;
  }
  const released = await withinTransaction(deps, async (deps): Promise<RiskHoldRecord | Failure | undefined> => {
    const hold = await deps.store.risk.resolveHold(holdId, 'released', by, now);
    if (!hold) return undefined;
    const customer = await deps.store.customers.findById(hold.customerId);
    if (!customer) return fail('not_found');
    const outcome = await runHeld(deps, prices, customer, hold);
    const result = isFailure(outcome) ? { refused: outcome.code } : outcome.kind === 'done' ? { done: outcome.body } : { refused: outcome.code };
    await deps.store.risk.setHoldResult(hold.id, result);
    await recordAudit(deps, customer.id, 'risk_hold_released', { holdId, kind: hold.kind, decisionId: hold.decisionId, rule: hold.rule, ...result }, by);
    await queueNotice(deps, customer, 'risk_hold_released', describeHold(hold));
    return { ...hold, result };
  });
  return released ?? notPending(deps, holdId);
}

async function runHeld(deps: HoldDeps, prices: PriceFeed, customer: CustomerRecord, hold: RiskHoldRecord): Promise<MovementOutcome<unknown>> {
  const r = hold.request;
  const hash = String(r.requestHash);
  if (hold.kind === 'order') {
    return executeOrder(deps, prices, customer, { symbol: String(r.symbol), side: r.side as Side, quantity: Number(r.quantity), idempotencyKey: hold.idempotencyKey }, hash);
  }
  // The destination is part of what was held: a bank account changed since sends nothing anywhere.
  if (!customer.bankAccount || canonicalJson(customer.bankAccount) !== canonicalJson(r.bankAccount as BankAccount)) return fail('no_bank_account');
  return executeWithdrawal(deps, customer, { amount: Number(r.amount), idempotencyKey: hold.idempotencyKey }, hash, undefined);
}

/** Reject a held request: nothing runs, the customer is told. One caller wins the hold. */
export async function rejectHold(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>, holdId: string, by: string): Promise<RiskHoldRecord | Failure> {
  const now = deps.clock.now();
  const rejected = await withinTransaction(deps, async (deps) => {
    const hold = await deps.store.risk.resolveHold(holdId, 'rejected', by, now);
    if (!hold) return undefined;
    const customer = await deps.store.customers.findById(hold.customerId);
    await recordAudit(deps, hold.customerId, 'risk_hold_rejected', { holdId, kind: hold.kind, decisionId: hold.decisionId, rule: hold.rule }, by);
    if (customer) await queueNotice(deps, customer, 'risk_hold_rejected', describeHold(hold));
    return hold;
  });
  return rejected ?? notPending(deps, holdId);
}

async function notPending(deps: Pick<Deps, 'store'>, holdId: string): Promise<Failure> {
  const existing = await deps.store.risk.findHold(holdId);
  return existing ? fail('hold_not_pending', { status: existing.status }) : fail('not_found');
}

/** The customer's own hold, or 404 (another customer's hold is as unknown as a missing one). */
async function ownHold(deps: Pick<Deps, 'store'>, customer: CustomerRecord, holdId: string): Promise<RiskHoldRecord | Failure> {
  const hold = await deps.store.risk.findHold(holdId);
  return hold && hold.customerId === customer.id ? hold : fail('not_found');
}

/** The customer's holds, newest first, with the plain reason only. */
export async function listOwnHolds(deps: Pick<Deps, 'store'>, customer: CustomerRecord) {
  const holds = await deps.store.risk.listHolds({ customerId: customer.id, limit: 50 });
  return holds.map((h) => ({ ...heldView(h), status: h.status, ...describeHold(h) }));
}

const holdPurpose = (holdId: string) => `hold:${holdId}`;

/** Step 1 of the customer's confirmation: request options for their passkeys past the cooling-off. */
export async function startHoldConfirmation(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy'>, rp: RelyingParty, customer: CustomerRecord, holdId: string): Promise<PublicKeyCredentialRequestOptionsJSON | Failure> {
  const hold = await ownHold(deps, customer, holdId);
  if (isFailure(hold)) return hold;
  if (hold.status !== 'held') return fail('hold_not_pending', { status: hold.status });
  const now = deps.clock.now();
  const mature = (await deps.store.factors.listPasskeys(customer.id)).filter((p) => passkeyMatureAt(deps.policy, p) <= now);
  if (mature.length === 0) return fail('method_unavailable', { method: 'passkey', reason: 'no passkey past its cooling-off: wait for us to contact you' });
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: new Uint8Array(deps.random.bytes(32)),
    userVerification: 'required',
    timeout: WEBAUTHN_TIMEOUT_MS,
    allowCredentials: mature.map((p) => ({ id: p.id, transports: asTransports(p.transports) })),
  });
  await deps.store.factors.insertWebAuthnChallenge({ challenge: options.challenge, purpose: holdPurpose(holdId), customerId: customer.id, expiresAt: now + WEBAUTHN_TIMEOUT_MS }, now);
  return options;
}

/** Step 2: a verified assertion of a mature passkey of this customer releases the hold. */
export async function confirmHold(deps: HoldDeps & Pick<Deps, 'logger'>, prices: PriceFeed, rp: RelyingParty, customer: CustomerRecord, holdId: string, response: unknown): Promise<RiskHoldRecord | Failure> {
  const hold = await ownHold(deps, customer, holdId);
  if (isFailure(hold)) return hold;
  const assertion = await verifyPasskeyAssertion(deps, rp, response, { purpose: holdPurpose(holdId), customerId: customer.id });
  if ('refused' in assertion || passkeyMatureAt(deps.policy, assertion.passkey) > deps.clock.now()) {
    deps.logger.info({ holdConfirmation: 'refused', reason: 'refused' in assertion ? assertion.refused : 'passkey in its cooling-off' }, 'hold confirmation refused');
    return fail('invalid_credentials');
  }
  return releaseHold(deps, prices, holdId, 'customer');
}
