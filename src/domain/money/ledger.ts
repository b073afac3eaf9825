import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import type { LedgerEntry } from '../kernel/money-store.js';

// Cash: every yen moves as an append-only ledger entry, and the balance is their sum, kept in the
// same transaction (src/store/money-movements.ts). Amounts are integer yen.

/** A sane ceiling for one movement: far below 2^53 even when summed, far above any real transfer. */
export const MAX_AMOUNT = 1_000_000_000_000;
export const MAX_QUANTITY = 100_000_000;

export function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_AMOUNT;
}

export function isQuantity(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_QUANTITY;
}

/** 入金: opening cash at account opening, or an operator's deposit. */
export async function depositCash(deps: Pick<Deps, 'store' | 'clock'>, customerId: string, amount: number, kind: 'opening' | 'deposit', actor: string): Promise<LedgerEntry | Failure> {
  if (!isAmount(amount)) return fail('invalid_amount');
  const entry = await deps.store.money.deposit(customerId, amount, kind, deps.clock.now());
  await recordAudit(deps, customerId, 'cash_deposited', { amount, kind, seq: entry.seq }, actor);
  return entry;
}

export function viewEntry(entry: LedgerEntry) {
  return {
    id: entry.seq,
    at: new Date(entry.at).toISOString(),
    type: entry.kind,
    amount: entry.amount,
    balance: entry.balanceAfter,
    reference: entry.reference,
  };
}
