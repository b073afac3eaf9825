import { sql, type Kysely } from 'kysely';
import type { EntryKind, KeptBalances, LedgerEntry, MoneyStore, OrderRecord, Side } from '../domain/kernel/money-store.js';
import { forget, type SessionCache, type SessionRevocation } from '../domain/kernel/session-cache.js';
import { createMovements, findKey, type Db } from './money-movements.js';
import type { MoneyTables, OrdersTable } from './money-schema.js';
import type { Database } from './schema.js';
import type { Dialect } from './database.js';

function toOrder(row: OrdersTable): OrderRecord {
  return { ...row, side: row.side as Side, seq: Number(row.seq), quantity: Number(row.quantity), price: Number(row.price), amount: Number(row.amount), at: Number(row.at) };
}

export interface MoneyRepoOptions {
  dialect: Dialect;
  /** The process's session cache: the account page's balances are read through it. */
  cache?: SessionCache;
  /** Set when the repository was built on a store transaction: what to forget again once it commits. */
  committed?: SessionRevocation[];
  /** Called before every read served from the cache (SQLite: empties it when another process committed). */
  beforeCachedRead?: () => void;
}

/** The pending figure at `now`: the kept withdrawals whose hold has not ended. */
function pendingAt(held: KeptBalances['held'], now: number): number {
  let pending = 0;
  for (const h of held) if (h.heldUntil > now) pending += h.amount;
  return pending;
}

/**
 * The ledger's tables. The account page's balances are kept in the session cache between movements:
 * every movement forgets them in this process when it commits (money-movements.ts `changed`) and, on
 * PostgreSQL, in every instance by `pg_notify` returned by its balance write (delivered at commit).
 */
export function createMoneyRepo(base: Kysely<Database>, options: MoneyRepoOptions): MoneyStore {
  const { dialect, cache } = options;
  // The money tables are typed on their own (money-schema.ts), added here: schema.ts stays the identity's.
  const db: Db = base.withTables<MoneyTables>();
  const changed = (customerId: string) => {
    if (cache) forget(cache, { balances: customerId });
    options.committed?.push({ balances: customerId });
  };
  // One statement, the same on both databases: a row per figure, the holdings a row each, the held
  // withdrawals a row each (few: a hold lasts a day) with the end of their hold.
  const readBalances = async (customerId: string, now: number): Promise<KeptBalances> => {
    const { rows } = await sql<{ kind: string; symbol: string | null; amount: number | string | null; until: number | string | null }>`
      select 'cash' as kind, null as symbol, available as amount, null as until from cash_accounts where customer_id = ${customerId}
      union all
      select 'held', null, amount, held_until from withdrawals where customer_id = ${customerId} and held_until > ${now} and cancelled_at is null
      union all
      select 'holding', symbol, quantity, null from holdings where customer_id = ${customerId} and quantity > 0`.execute(base);
    const kept: KeptBalances = { available: 0, held: [], holdings: [] };
    for (const row of rows) {
      if (row.kind === 'cash') kept.available = Number(row.amount ?? 0);
      else if (row.kind === 'held') kept.held.push({ amount: Number(row.amount), heldUntil: Number(row.until) });
      else kept.holdings.push({ symbol: row.symbol!, quantity: Number(row.amount) });
    }
    kept.holdings.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    return kept;
  };
  return {
    ...createMovements(db, dialect, changed),
    findKey: (customerId, key) => findKey(db, customerId, key),
    async available(customerId) {
      const row = await db.selectFrom('cashAccounts').select('available').where('customerId', '=', customerId).executeTakeFirst();
      return row ? Number(row.available) : 0;
    },
    async holdings(customerId) {
      const rows = await db.selectFrom('holdings').select(['symbol', 'quantity']).where('customerId', '=', customerId).where('quantity', '>', 0).orderBy('symbol').execute();
      return rows.map((r) => ({ symbol: r.symbol, quantity: Number(r.quantity) }));
    },
    async balances(customerId, now) {
      let kept: KeptBalances | undefined;
      // Inside a transaction the database answers: it sees the transaction's own writes.
      if (cache && !db.isTransaction) {
        options.beforeCachedRead?.();
        kept = cache.getBalances(customerId);
        if (!kept) {
          const mark = cache.mark();
          kept = await readBalances(customerId, now);
          cache.setBalances(customerId, kept, mark);
        }
      } else {
        kept = await readBalances(customerId, now);
      }
      return { available: kept.available, pending: pendingAt(kept.held, now), holdings: kept.holdings };
    },
    async pendingWithdrawals(customerId, now) {
      const row = await db
        .selectFrom('withdrawals')
        .select((eb) => eb.fn.sum<number>('amount').as('total'))
        .where('customerId', '=', customerId)
        .where('heldUntil', '>', now)
        .where('cancelledAt', 'is', null)
        .executeTakeFirst();
      return Number(row?.total ?? 0);
    },
    async listEntries(customerId, limit, beforeSeq) {
      let query = db.selectFrom('ledgerEntries').selectAll().where('customerId', '=', customerId).orderBy('seq', 'desc').limit(limit);
      if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
      const rows = await query.execute();
      return rows.map((r): LedgerEntry => ({ ...r, kind: r.kind as EntryKind, seq: Number(r.seq), amount: Number(r.amount), balanceAfter: Number(r.balanceAfter), at: Number(r.at) }));
    },
    async listOrders(customerId, limit, beforeSeq) {
      let query = db.selectFrom('orders').selectAll().where('customerId', '=', customerId).orderBy('seq', 'desc').limit(limit);
      if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
      return (await query.execute()).map(toOrder);
    },
    async findOrder(customerId, id) {
      const row = await db.selectFrom('orders').selectAll().where('customerId', '=', customerId).where('id', '=', id).executeTakeFirst();
      return row && toOrder(row);
    },
  };
}
