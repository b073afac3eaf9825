import { sql, type Kysely } from 'kysely';
import type { Dialect } from './database.js';
import { inTransaction } from './transaction.js';
import type { FreezeLevel, FreezeRecord, ProtectionStore } from '../domain/kernel/protection-store.js';
import type { Database } from './schema.js';

export interface AccountFreezesTable {
  customerId: string;
  withdrawalsAt: number | null;
  ordersAt: number | null;
  signInAt: number | null;
  liftedAt: number | null;
  updatedAt: number;
}

export interface FreezeCodesTable {
  codeHash: string;
  customerId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface OperatorAlertsTable {
  id: string;
  at: number;
  kind: string;
  customerId: string | null;
  detail: string;
}

export interface NoticePreferencesTable {
  customerId: string;
  everySignIn: number;
  updatedAt: number;
}

export type ProtectionTables = { accountFreezes: AccountFreezesTable; freezeCodes: FreezeCodesTable; operatorAlerts: OperatorAlertsTable; noticePreferences: NoticePreferencesTable };

const COLUMN: Record<FreezeLevel, 'withdrawalsAt' | 'ordersAt' | 'signInAt'> = { withdrawals: 'withdrawalsAt', orders: 'ordersAt', sign_in: 'signInAt' };
const time = (value: number | string | null) => (value === null ? null : Number(value));

/** A freeze code's row, written with its notice (in the notice's transaction). */
export async function insertFreezeCode(db: Kysely<any>, code: { codeHash: string; customerId: string; createdAt: number; expiresAt: number }): Promise<void> {
  await (db as Kysely<ProtectionTables>).insertInto('freezeCodes').values({ ...code, usedAt: null }).execute();
}

/**
 * Inside a caller's transaction (a movement, an approval's redemption): whether the level is frozen, and
 * when a freeze was last lifted. On PostgreSQL the customer's row is locked shared first, in a statement
 * of its own: a freeze locks it exclusively before it writes, so it waits for this transaction, and one
 * that committed during the wait is seen by the read that follows (a statement keeps the snapshot it took
 * before it waited, so a read joined into the locking statement missed a first freeze). SQLite runs one
 * writing transaction at a time: the caller writes first, to hold the file's write lock.
 */
export async function freezeInTransaction(trx: Kysely<any>, dialect: Dialect, customerId: string, level: FreezeLevel): Promise<{ frozen: boolean; liftedAt: number | null }> {
  if (dialect === 'postgres') await sql`select id from customers where id = ${customerId} for share`.execute(trx);
  const row = await (trx as Kysely<ProtectionTables>).selectFrom('accountFreezes').select([COLUMN[level], 'liftedAt']).where('customerId', '=', customerId).executeTakeFirst();
  return { frozen: row !== undefined && row[COLUMN[level]] !== null, liftedAt: time(row?.liftedAt ?? null) };
}

export function createProtectionRepo(base: Kysely<Database>, dialect: Dialect): ProtectionStore {
  const db = base.withTables<ProtectionTables>();
  const freezeOf = async (customerId: string, executor: Kysely<Database & ProtectionTables> = db): Promise<FreezeRecord> => {
    const row = await executor.selectFrom('accountFreezes').selectAll().where('customerId', '=', customerId).executeTakeFirst();
    return { withdrawals: time(row?.withdrawalsAt ?? null), orders: time(row?.ordersAt ?? null), signIn: time(row?.signInAt ?? null), liftedAt: time(row?.liftedAt ?? null) };
  };
  return {
    freezeOf: (customerId) => freezeOf(customerId),
    async freeze(customerId, levels, now) {
      return inTransaction(db, async (trx) => {
        // The customer's row first, exclusively, until the freeze commits: an order or withdrawal
        // holds it shared while it checks the freeze and moves the money (money-movements.ts), so a
        // freeze waits for those under way and every later one sees it. Nothing on the row changes.
        if (dialect === 'postgres') await sql`select id from customers where id = ${customerId} for update`.execute(trx);
        await trx
          .insertInto('accountFreezes')
          .values({ customerId, withdrawalsAt: null, ordersAt: null, signInAt: null, liftedAt: null, updatedAt: now })
          .onConflict((oc) => oc.column('customerId').doNothing())
          .execute();
        // One statement: a level already frozen keeps its time (coalesce), whoever races.
        await trx
          .updateTable('accountFreezes')
          .set((eb) => Object.fromEntries([...levels.map((level) => [COLUMN[level], eb.fn.coalesce(COLUMN[level], eb.val(now))]), ['updatedAt', now]]))
          .where('customerId', '=', customerId)
          .execute();
        return freezeOf(customerId, trx);
      });
    },
    async lift(customerId, levels, now) {
      await db
        .updateTable('accountFreezes')
        .set(Object.fromEntries([...levels.map((level) => [COLUMN[level], null]), ['liftedAt', now], ['updatedAt', now]]))
        .where('customerId', '=', customerId)
        .execute();
    },
    async useFreezeCode(customerId, codeHash, now) {
      const result = await db
        .updateTable('freezeCodes')
        .set({ usedAt: now })
        .where('codeHash', '=', codeHash)
        .where('customerId', '=', customerId)
        .where('usedAt', 'is', null)
        .where('expiresAt', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async noticeOnEverySignIn(customerId) {
      const row = await db.selectFrom('noticePreferences').select('everySignIn').where('customerId', '=', customerId).executeTakeFirst();
      return Number(row?.everySignIn ?? 0) === 1;
    },
    async setNoticeOnEverySignIn(customerId, on, now) {
      await db
        .insertInto('noticePreferences')
        .values({ customerId, everySignIn: on ? 1 : 0, updatedAt: now })
        .onConflict((oc) => oc.column('customerId').doUpdateSet({ everySignIn: on ? 1 : 0, updatedAt: now }))
        .execute();
    },
    async addAlert(alert) {
      await db.insertInto('operatorAlerts').values({ ...alert, detail: JSON.stringify(alert.detail) }).execute();
    },
    async listAlerts(limit, before) {
      let query = db.selectFrom('operatorAlerts').selectAll().orderBy('id', 'desc').limit(limit);
      if (before) query = query.where('id', '<', before);
      const rows = await query.execute();
      return rows.map((row) => ({ ...row, at: Number(row.at), detail: JSON.parse(row.detail) as Record<string, unknown> }));
    },
  };
}
