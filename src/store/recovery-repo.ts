import { sql, type Kysely } from 'kysely';
import type { RecoveryRecord, RecoveryStore } from '../domain/kernel/recovery-store.js';
import type { Database } from './schema.js';

export interface RecoveriesTable {
  id: string;
  customerId: string | null;
  createdAt: number;
  expiresAt: number;
  status: string;
  attempts: number;
  codeHash: string | null;
  codeExpiresAt: number | null;
  sends: number;
  lastSentAt: number | null;
}

export interface EmailChangesTable {
  customerId: string;
  newEmail: string;
  codeHash: string;
  attempts: number;
  createdAt: number;
  expiresAt: number;
}

type RecoveryTables = { recoveries: RecoveriesTable; emailChanges: EmailChangesTable };

const num = (v: number | string | null) => (v === null ? null : Number(v));

export function createRecoveryRepo(base: Kysely<Database>): RecoveryStore {
  const db = base.withTables<RecoveryTables>();
  return {
    async insert(record) {
      await db.insertInto('recoveries').values(record).execute();
    },
    async find(id) {
      const row = await db.selectFrom('recoveries').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return {
        ...row,
        status: row.status as RecoveryRecord['status'],
        createdAt: Number(row.createdAt),
        expiresAt: Number(row.expiresAt),
        attempts: Number(row.attempts),
        sends: Number(row.sends),
        codeExpiresAt: num(row.codeExpiresAt),
        lastSentAt: num(row.lastSentAt),
      };
    },
    async reserveSend(id, r) {
      const result = await db
        .updateTable('recoveries')
        .set((eb) => ({ codeHash: r.codeHash, codeExpiresAt: r.codeExpiresAt, lastSentAt: r.now, sends: eb('sends', '+', 1) }))
        .where('id', '=', id)
        .where('status', '=', 'open')
        .where('expiresAt', '>', r.now)
        .where('sends', '<', r.maxSends)
        .where((eb) => eb.or([eb('lastSentAt', 'is', null), eb('lastSentAt', '<=', r.now - r.minIntervalMs)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async reserveAttempt(id, max, now) {
      const result = await db
        .updateTable('recoveries')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), status: sql<string>`case when attempts + 1 >= ${max} then 'dead' else status end` }))
        .where('id', '=', id)
        .where('status', '=', 'open')
        .where('expiresAt', '>', now)
        .where('attempts', '<', max)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async finish(id, now) {
      // A right answer on the last attempt: the row went dead with it, and still finishes once.
      const result = await db.updateTable('recoveries').set({ status: 'used', expiresAt: now }).where('id', '=', id).where('status', 'in', ['open', 'dead']).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async saveEmailChange(change) {
      await db
        .insertInto('emailChanges')
        .values(change)
        .onConflict((oc) => oc.column('customerId').doUpdateSet({ newEmail: change.newEmail, codeHash: change.codeHash, attempts: 0, createdAt: change.createdAt, expiresAt: change.expiresAt }))
        .execute();
    },
    async findEmailChange(customerId) {
      const row = await db.selectFrom('emailChanges').selectAll().where('customerId', '=', customerId).executeTakeFirst();
      return row && { ...row, attempts: Number(row.attempts), createdAt: Number(row.createdAt), expiresAt: Number(row.expiresAt) };
    },
    async reserveEmailChangeAttempt(customerId, max, now) {
      const row = await db
        .updateTable('emailChanges')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('customerId', '=', customerId)
        .where('attempts', '<', max)
        .where('expiresAt', '>', now)
        .returning('attempts')
        .executeTakeFirst();
      return row === undefined ? undefined : Number(row.attempts);
    },
    async deleteEmailChange(customerId, codeHash) {
      let query = db.deleteFrom('emailChanges').where('customerId', '=', customerId);
      if (codeHash !== undefined) query = query.where('codeHash', '=', codeHash);
      return Number((await query.executeTakeFirst()).numDeletedRows) === 1;
    },
    async loginIdsByEmail(email) {
      const rows = await base
        .selectFrom('customers')
        .select(['id as customerId', 'loginId', 'email'])
        .where(sql<string>`lower(email)`, '=', email.toLowerCase())
        .limit(10)
        .execute();
      return rows;
    },
  };
}
