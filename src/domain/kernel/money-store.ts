// The persistence of money, as one interface. Every movement is one store call that runs as one
// database transaction: claim the idempotency key, consume the step-up challenge, move the balance
// with a conditional UPDATE, append the ledger entry. Nothing is read-checked-written in the domain.

import type { BankAccount, Purpose } from './types.js';
import type { NewNotice } from './notice-outbox.js';
import type { FreezeLevel } from './protection-store.js';

export type EntryKind = 'opening' | 'deposit' | 'withdrawal' | 'withdrawal_cancelled' | 'buy' | 'sell';
export type Side = 'buy' | 'sell';

export interface LedgerEntry {
  customerId: string;
  /** Per customer, gapless only in spirit: ordering and paging, not accounting. */
  seq: number;
  kind: EntryKind;
  /** Signed integer yen: credits positive, debits negative. */
  amount: number;
  balanceAfter: number;
  /** The order or withdrawal behind the entry. */
  reference: string | null;
  at: number;
}

export interface OrderRecord {
  id: string;
  customerId: string;
  seq: number;
  symbol: string;
  side: Side;
  quantity: number;
  price: number;
  amount: number;
  at: number;
}

export interface WithdrawalRecord {
  id: string;
  customerId: string;
  seq: number;
  amount: number;
  bankAccount: BankAccount;
  /** Set when the cooling-off holds it: pending until then. */
  heldUntil: number | null;
  at: number;
  /** Set when the customer cancelled it while held: the cash came back, once. */
  cancelledAt?: number | null;
}

/** A withdrawal as the API shows it (also in a 409 withdrawal_not_cancellable). */
export interface WithdrawalView {
  id: string;
  amount: number;
  status: 'pending' | 'completed' | 'cancelled';
  heldUntil: string | null;
  bankAccount: { last4: string };
  requestedAt: string;
}

/**
 * `cancelled`: this call cancelled it and credited the cash back. `already_cancelled`: an earlier
 * call did (nothing moved now). `not_held`: it completed; nothing to cancel.
 */
/** What a cancellation writes with the credit, in its transaction: its audit entry and notices. */
export interface CancelReport {
  audit: { customerId: string; at: number; actor: string; action: string; detail: Record<string, unknown> };
  notices: Array<NewNotice & { id: string; createdAt: number }>;
}

export type CancelResult =
  | { status: 'cancelled' | 'already_cancelled' | 'not_held'; record: WithdrawalRecord }
  | { status: 'not_found' };

/**
 * What a used key answers forever after: what happened the first time — the movement made (its view)
 * or a business refusal (its public error code) — never an HTTP status: the HTTP layer picks that.
 * The code is kept as text: a stored refusal outlives any renaming of the codes.
 */
export type StoredOutcome = { kind: 'done'; body: unknown } | { kind: 'refused'; code: string; fields?: Record<string, unknown> };

export interface IdempotencyRecord {
  customerId: string;
  key: string;
  requestHash: string;
  outcome: StoredOutcome;
  at: number;
}

export interface KeyClaim {
  customerId: string;
  key: string;
  requestHash: string;
  now: number;
}

export interface ChallengeMatch {
  id: string;
  purpose: Purpose;
  contentHash: string;
}

/**
 * `done`: the key was claimed and the movement made. `refused`: the key was claimed and the store
 * recorded the refusal outcome (not enough cash or shares). `replay`: the key was already used
 * (possibly by a concurrent request that just committed). `challenge_mismatch`: nothing happened.
 */
export type MovementResult<T> =
  | { status: 'done'; record: T }
  | { status: 'refused' }
  | { status: 'replay'; previous: IdempotencyRecord }
  | { status: 'challenge_mismatch' }
  | { status: 'frozen'; level: FreezeLevel }
  | { status: 'lifted_meanwhile' };

/**
 * The customer's freeze (取引制限), read inside the movement's transaction under the customer's row lock
 * (a freeze takes that lock first): a freeze committed before the movement refuses it (`frozen`, nothing
 * moved, the key and the challenge unused), and a freeze racing it waits for it. `liftedAt`: the last
 * lift the caller computed the cooling-off from; a different one found (a lift meanwhile) answers
 * `lifted_meanwhile`, nothing moved, to be tried again.
 */
export interface FreezeGuard {
  level: Extract<FreezeLevel, 'withdrawals' | 'orders'>;
  liftedAt?: number | null;
}

export interface WithdrawalMovement {
  claim: KeyClaim;
  /** Written in the same transaction as the debit: a crash after the commit loses neither. */
  audit?: { customerId: string; at: number; actor: string; action: string; detail: Record<string, unknown> };
  notices?: Array<NewNotice & { id: string; createdAt: number }>;
  /** Consumed in the same transaction as the debit: a failure in between loses neither. */
  challenge: ChallengeMatch | undefined;
  withdrawal: Omit<WithdrawalRecord, 'seq'>;
  freeze?: FreezeGuard;
  success: StoredOutcome;
  refusal: StoredOutcome;
}

export interface OrderMovement {
  claim: KeyClaim;
  order: Omit<OrderRecord, 'seq'>;
  freeze?: FreezeGuard;
  /** The 約定通知, queued in the same transaction as the trade. */
  notices?: Array<NewNotice & { id: string; createdAt: number }>;
  success: StoredOutcome;
  refusal: StoredOutcome;
}

export interface MoneyStore {
  /** Credit cash (opening cash, operator deposits): always succeeds for a positive amount. */
  deposit(customerId: string, amount: number, kind: 'opening' | 'deposit', now: number): Promise<LedgerEntry>;
  withdraw(movement: WithdrawalMovement): Promise<MovementResult<WithdrawalRecord>>;
  /**
   * A held withdrawal back to cash, in one transaction: a conditional UPDATE marks it cancelled only
   * while it is held and not yet cancelled, and only the caller that wins it credits the amount.
   */
  cancelWithdrawal(customerId: string, id: string, now: number, report?: (cancelled: WithdrawalRecord) => CancelReport): Promise<CancelResult>;
  trade(movement: OrderMovement): Promise<MovementResult<OrderRecord>>;
  findKey(customerId: string, key: string): Promise<IdempotencyRecord | undefined>;
  available(customerId: string): Promise<number>;
  holdings(customerId: string): Promise<Array<{ symbol: string; quantity: number }>>;
  /** Sum of the withdrawals still held by the cooling-off at `now`. */
  pendingWithdrawals(customerId: string, now: number): Promise<number>;
  /**
   * The account page's balances in one read (one round trip): the cash the account keeps, the
   * withdrawals still held by the cooling-off, the holdings (quantity > 0, by symbol).
   */
  balances(customerId: string, now: number): Promise<{ available: number; pending: number; holdings: Array<{ symbol: string; quantity: number }> }>;
  listEntries(customerId: string, limit: number, beforeSeq?: number): Promise<LedgerEntry[]>;
  listOrders(customerId: string, limit: number, beforeSeq?: number): Promise<OrderRecord[]>;
  findOrder(customerId: string, id: string): Promise<OrderRecord | undefined>;
}

/**
 * A customer's balances as the session cache keeps them (session-cache.ts): the cash, the holdings and
 * the withdrawals still held when they were read, each with the end of its hold, so that the pending
 * figure follows the clock without a write (a hold ends by time alone) and the copy stays true until
 * the next movement.
 */
export interface KeptBalances {
  available: number;
  held: Array<{ amount: number; heldUntil: number }>;
  holdings: Array<{ symbol: string; quantity: number }>;
}
