import { sql, type Kysely, type Transaction } from 'kysely';
import type { CancelReport, CancelResult, EntryKind, FreezeGuard, IdempotencyRecord, KeyClaim, LedgerEntry, MovementResult, OrderMovement, OrderRecord, StoredOutcome, WithdrawalMovement, WithdrawalRecord } from '../domain/kernel/money-store.js';
import type { Dialect } from './database.js';
import type { MoneyTables, WithdrawalsTable } from './money-schema.js';
import type { Database } from './schema.js';
import { consumeVerifiedChallenge } from './challenges-repo.js';
import { appendAuditEntry } from './audit-repo.js';
import { insertNotice } from './notice-queue-repo.js';
import { REVOCATION_CHANNEL, revocationPayload } from './sessions-repo.js';
import { freezeInTransaction } from './protection-repo.js';

// Each movement is one transaction. Locks are always taken in the same order — the customer's row
// (shared, for the freeze check), idempotency key, challenge, balance row, holding row — so two
// movements of one customer never deadlock on PostgreSQL. SQLite runs one transaction at a time on its one
// connection (Kysely's mutex) and one writer per file across processes; there a movement writes first (the
// key), so it takes the write lock at its start and waits for it (busy time-out) rather than failing.

export type Db = Kysely<Database & MoneyTables>;
type Trx = Transaction<Database & MoneyTables>;

/** Thrown inside a transaction to roll it back, and caught outside to answer with a value. */
class Rollback {
  constructor(readonly result: MovementResult<never>) {}
}

const TAKEN = { status: 'taken' } as const;
type Internal<T> = Exclude<MovementResult<T>, { status: 'replay' }> | typeof TAKEN;

/**
 * One transaction; a key found taken is read back after it, when the other request has committed.
 * Inside a caller's transaction (a released risk hold runs its movement with the release) the movement
 * joins it, and a rollback rolls the caller's work back too: the Rollback goes up to it.
 */
async function run<T>(db: Db, claim: KeyClaim, work: (trx: Trx) => Promise<Internal<T>>): Promise<MovementResult<T>> {
  let result: Internal<T> | MovementResult<never>;
  if (db.isTransaction) {
    result = await work(db as Trx);
  } else {
    try {
      result = await db.transaction().execute(work);
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
      result = error.result;
    }
  }
  if (result.status !== 'taken') return result;
  const previous = await findKey(db, claim.customerId, claim.key);
  // Only a committed insert makes a key taken, so the row is there.
  if (!previous) throw new Error('idempotency key taken but not found');
  return { status: 'replay', previous };
}

export async function findKey(db: Db, customerId: string, key: string): Promise<IdempotencyRecord | undefined> {
  const row = await db.selectFrom('idempotencyKeys').selectAll().where('customerId', '=', customerId).where('key', '=', key).executeTakeFirst();
  return row && { ...row, at: Number(row.at), outcome: readOutcome(row.outcome) };
}

/** The shape keys stored before outcomes said what happened: an HTTP status (201 made, 400 refused). */
type EarlierOutcome = { status: 201; body: unknown } | { status: 400; error: string; fields?: Record<string, unknown> };

/** A stored outcome in either shape: rows written by earlier versions replay as they first answered. */
export function readOutcome(text: string): StoredOutcome {
  const stored = JSON.parse(text) as StoredOutcome | EarlierOutcome;
  if ('kind' in stored) return stored;
  if (stored.status === 201) return { kind: 'done', body: stored.body };
  return { kind: 'refused', code: stored.error, ...(stored.fields ? { fields: stored.fields } : {}) };
}

/**
 * Insert the key or learn that it is taken. On PostgreSQL, ON CONFLICT waits for a concurrent
 * insert of the same key to commit or roll back, so a taken key is always a committed one.
 */
async function claimKey(trx: Trx, claim: KeyClaim, outcome: StoredOutcome): Promise<boolean> {
  const result = await trx
    .insertInto('idempotencyKeys')
    .values({ customerId: claim.customerId, key: claim.key, requestHash: claim.requestHash, outcome: JSON.stringify(outcome), at: claim.now })
    .onConflict((oc) => oc.columns(['customerId', 'key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

async function recordOutcome(trx: Trx, claim: KeyClaim, outcome: StoredOutcome): Promise<void> {
  await trx.updateTable('idempotencyKeys').set({ outcome: JSON.stringify(outcome) }).where('customerId', '=', claim.customerId).where('key', '=', claim.key).execute();
}

/**
 * The expression every balance write returns: on PostgreSQL the notice that makes every instance forget
 * the customer's kept balances (session-cache.ts), sent when the movement's transaction commits and only
 * when the row was written; nothing on SQLite (one process owns the file; others are seen by its data version).
 */
function balancesNotice(dialect: Dialect, customerId: string) {
  return (dialect === 'postgres' ? sql<null>`pg_notify(${REVOCATION_CHANNEL}, ${revocationPayload({ balances: customerId })})` : sql<null>`null`).as('notified');
}

/** Debit only if the balance covers it: one statement, so concurrent debits cannot overdraw. */
async function debit(trx: Trx, dialect: Dialect, customerId: string, amount: number): Promise<{ available: number; seq: number } | undefined> {
  return trx
    .updateTable('cashAccounts')
    .set((eb) => ({ available: eb('available', '-', amount), seq: eb('seq', '+', 1) }))
    .where('customerId', '=', customerId)
    .where('available', '>=', amount)
    .returning(['available', 'seq', balancesNotice(dialect, customerId)])
    .executeTakeFirst();
}

/** Every movement that changes a balance goes through `debit` or here, and so tells the other instances. */
async function credit(trx: Trx, dialect: Dialect, customerId: string, amount: number): Promise<{ available: number; seq: number }> {
  return trx
    .insertInto('cashAccounts')
    .values({ customerId, available: amount, seq: 1 })
    .onConflict((oc) => oc.column('customerId').doUpdateSet((eb) => ({ available: eb('cashAccounts.available', '+', amount), seq: eb('cashAccounts.seq', '+', 1) })))
    .returning(['available', 'seq', balancesNotice(dialect, customerId)])
    .executeTakeFirstOrThrow();
}

async function appendEntry(trx: Trx, entry: LedgerEntry): Promise<void> {
  await trx.insertInto('ledgerEntries').values(entry).execute();
}

function entryOf(customerId: string, kind: EntryKind, amount: number, balance: { available: number; seq: number }, reference: string | null, at: number): LedgerEntry {
  return { customerId, seq: Number(balance.seq), kind, amount, balanceAfter: Number(balance.available), reference, at };
}

/**
 * 取引制限 inside the movement's transaction: the customer's row is locked shared (PostgreSQL; a freeze
 * locks it exclusively before it writes, protection-repo.ts), so a freeze either committed before this
 * read and refuses the movement, or waits until the movement has committed. SQLite runs one
 * transaction at a time. The refusal rolls back: nothing moved, the key and the challenge unused.
 */
async function checkFreeze(trx: Trx, dialect: Dialect, customerId: string, guard: FreezeGuard | undefined): Promise<void> {
  if (!guard) return;
  const { frozen, liftedAt } = await freezeInTransaction(trx, dialect, customerId, guard.level);
  if (frozen) throw new Rollback({ status: 'frozen', level: guard.level });
  if (guard.liftedAt !== undefined && liftedAt !== guard.liftedAt) throw new Rollback({ status: 'lifted_meanwhile' });
}

function toWithdrawal(row: WithdrawalsTable): WithdrawalRecord {
  return {
    id: row.id,
    customerId: row.customerId,
    seq: Number(row.seq),
    amount: Number(row.amount),
    bankAccount: JSON.parse(row.bankAccount) as WithdrawalRecord['bankAccount'],
    heldUntil: row.heldUntil === null ? null : Number(row.heldUntil),
    at: Number(row.at),
    cancelledAt: row.cancelledAt === null ? null : Number(row.cancelledAt),
  };
}

/**
 * The movements. `changed` is told of every customer whose balances a movement may have changed, after
 * the movement's own transaction (or, joined into a caller's, to be told again after that one commits):
 * this process's cache forgets the kept balances (money-repo.ts).
 */
export function createMovements(db: Db, dialect: Dialect, changed: (customerId: string) => void = () => {}) {
  const movements = {
    async deposit(customerId: string, amount: number, kind: 'opening' | 'deposit', now: number): Promise<LedgerEntry> {
      return db.transaction().execute(async (trx) => {
        const entry = entryOf(customerId, kind, amount, await credit(trx, dialect, customerId, amount), null, now);
        await appendEntry(trx, entry);
        return entry;
      });
    },

    async withdraw(m: WithdrawalMovement): Promise<MovementResult<WithdrawalRecord>> {
      return run<WithdrawalRecord>(db, m.claim, async (trx) => {
        // PostgreSQL: the customer's row first (the lock order above). SQLite: after the key's insert, so that the
        // transaction writes first and holds the file's write lock from its start (a transaction that reads
        // first and writes later fails at once with SQLITE_BUSY when another process wrote in between).
        if (dialect === 'postgres') await checkFreeze(trx, dialect, m.claim.customerId, m.freeze);
        if (!(await claimKey(trx, m.claim, m.refusal))) return TAKEN;
        if (dialect !== 'postgres') await checkFreeze(trx, dialect, m.claim.customerId, m.freeze);
        if (m.challenge) {
          const match = { customerId: m.claim.customerId, purpose: m.challenge.purpose, contentHash: m.challenge.contentHash, now: m.claim.now };
          // Rolled back with the key: a 403 has not used its key (api.md).
          if (!(await consumeVerifiedChallenge(trx, m.challenge.id, match))) throw new Rollback({ status: 'challenge_mismatch' });
        }
        const w = m.withdrawal;
        const balance = await debit(trx, dialect, w.customerId, w.amount);
        if (!balance) return { status: 'refused' };
        const record: WithdrawalRecord = { ...w, seq: Number(balance.seq) };
        await appendEntry(trx, entryOf(w.customerId, 'withdrawal', -w.amount, balance, w.id, w.at));
        await trx.insertInto('withdrawals').values({ ...record, bankAccount: JSON.stringify(record.bankAccount), cancelledAt: null }).execute();
        await recordOutcome(trx, m.claim, m.success);
        // The audit head is the last lock taken (after the balance row): no deadlock with other movements.
        if (m.audit) await appendAuditEntry(trx, m.audit);
        for (const notice of m.notices ?? []) await insertNotice(trx, notice);
        return { status: 'done', record };
      });
    },

    async cancelWithdrawal(customerId: string, id: string, now: number, report?: (cancelled: WithdrawalRecord) => CancelReport): Promise<CancelResult> {
      return db.transaction().execute(async (trx) => {
        const won = await trx
          .updateTable('withdrawals')
          .set({ cancelledAt: now })
          .where('id', '=', id)
          .where('customerId', '=', customerId)
          .where('cancelledAt', 'is', null)
          .where('heldUntil', '>', now)
          .returningAll()
          .executeTakeFirst();
        if (won) {
          const amount = Number(won.amount);
          const balance = await credit(trx, dialect, customerId, amount);
          await appendEntry(trx, entryOf(customerId, 'withdrawal_cancelled', amount, balance, `cancel:${id}`, now));
          const record = toWithdrawal(won);
          if (report) {
            // Audit entry and notices commit with the credit; the audit head is the last lock taken.
            const { audit, notices } = report(record);
            await appendAuditEntry(trx, audit);
            for (const notice of notices) await insertNotice(trx, notice);
          }
          return { status: 'cancelled', record };
        }
        const row = await trx.selectFrom('withdrawals').selectAll().where('id', '=', id).where('customerId', '=', customerId).executeTakeFirst();
        if (!row) return { status: 'not_found' };
        return { status: row.cancelledAt !== null ? 'already_cancelled' : 'not_held', record: toWithdrawal(row) };
      });
    },

    async trade(m: OrderMovement): Promise<MovementResult<OrderRecord>> {
      return run<OrderRecord>(db, m.claim, async (trx) => {
        // PostgreSQL: the customer's row first (the lock order above). SQLite: after the key's insert, so that the
        // transaction writes first and holds the file's write lock from its start (a transaction that reads
        // first and writes later fails at once with SQLITE_BUSY when another process wrote in between).
        if (dialect === 'postgres') await checkFreeze(trx, dialect, m.claim.customerId, m.freeze);
        if (!(await claimKey(trx, m.claim, m.refusal))) return TAKEN;
        if (dialect !== 'postgres') await checkFreeze(trx, dialect, m.claim.customerId, m.freeze);
        const o = m.order;
        let balance: { available: number; seq: number } | undefined;
        if (o.side === 'buy') {
          balance = await debit(trx, dialect, o.customerId, o.amount);
          if (!balance) return { status: 'refused' };
          await trx
            .insertInto('holdings')
            .values({ customerId: o.customerId, symbol: o.symbol, quantity: o.quantity })
            .onConflict((oc) => oc.columns(['customerId', 'symbol']).doUpdateSet((eb) => ({ quantity: eb('holdings.quantity', '+', o.quantity) })))
            .execute();
        } else {
          // Lock the balance row before the holding row, as a buy does (no deadlock between them).
          await trx.updateTable('cashAccounts').set((eb) => ({ seq: eb.ref('seq') })).where('customerId', '=', o.customerId).execute();
          const sold = await trx
            .updateTable('holdings')
            .set((eb) => ({ quantity: eb('quantity', '-', o.quantity) }))
            .where('customerId', '=', o.customerId)
            .where('symbol', '=', o.symbol)
            .where('quantity', '>=', o.quantity)
            .executeTakeFirst();
          if (Number(sold.numUpdatedRows) !== 1) return { status: 'refused' };
          balance = await credit(trx, dialect, o.customerId, o.amount);
        }
        const record: OrderRecord = { ...o, seq: Number(balance.seq) };
        await appendEntry(trx, entryOf(o.customerId, o.side, o.side === 'buy' ? -o.amount : o.amount, balance, o.id, o.at));
        await trx.insertInto('orders').values(record).execute();
        await recordOutcome(trx, m.claim, m.success);
        for (const notice of m.notices ?? []) await insertNotice(trx, notice);
        return { status: 'done', record };
      });
    },
  };
  // Told after the movement whatever its outcome (a refusal moved nothing: forgetting costs one read).
  const thenChanged = async <T>(customerId: string, movement: Promise<T>): Promise<T> => {
    try {
      return await movement;
    } finally {
      changed(customerId);
    }
  };
  return {
    deposit: (customerId: string, amount: number, kind: 'opening' | 'deposit', now: number) => thenChanged(customerId, movements.deposit(customerId, amount, kind, now)),
    withdraw: (m: WithdrawalMovement) => thenChanged(m.claim.customerId, movements.withdraw(m)),
    cancelWithdrawal: (customerId: string, id: string, now: number, report?: (cancelled: WithdrawalRecord) => CancelReport) =>
      thenChanged(customerId, movements.cancelWithdrawal(customerId, id, now, report)),
    trade: (m: OrderMovement) => thenChanged(m.claim.customerId, movements.trade(m)),
  };
}
