import { sql, type Kysely } from 'kysely';
import type { EntryKind, LedgerEntry, MoneyStore, OrderRecord, Side } from '../domain/kernel/money-store.js';
import { createMovements, findKey, type Db } from './money-movements.js';
import type { MoneyTables, OrdersTable } from './money-schema.js';
import type { Database } from './schema.js';
import type { Dialect } from './database.js';

function toOrder(row: OrdersTable): OrderRecord {
  return { ...row, side: row.side as Side, seq: Number(row.seq), quantity: Number(row.quantity), price: Number(row.price), amount: Number(row.amount), at: Number(row.at) };
}

export function createMoneyRepo(base: Kysely<Database>, dialect: Dialect): MoneyStore {
  // The money tables are typed on their own (money-schema.ts), added here: schema.ts stays the identity's.
  const db: Db = base.withTables<MoneyTables>();
  return {
    ...createMovements(db, dialect),
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
      // One statement, the same on both databases: a row per figure, the holdings a row each.
      const { rows } = await sql<{ kind: string; symbol: string | null; amount: number | string | null }>`
        select 'cash' as kind, null as symbol, available as amount from cash_accounts where customer_id = ${customerId}
        union all
        select 'pending', null, sum(amount) from withdrawals where customer_id = ${customerId} and held_until > ${now} and cancelled_at is null
        union all
        select 'holding', symbol, quantity from holdings where customer_id = ${customerId} and quantity > 0`.execute(base);
      let available = 0;
      let pending = 0;
      const holdings: Array<{ symbol: string; quantity: number }> = [];
      for (const row of rows) {
        if (row.kind === 'cash') available = Number(row.amount ?? 0);
        else if (row.kind === 'pending') pending = Number(row.amount ?? 0);
        else holdings.push({ symbol: row.symbol!, quantity: Number(row.amount) });
      }
      holdings.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
      return { available, pending, holdings };
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
