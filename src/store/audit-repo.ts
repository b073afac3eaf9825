import { PostgresAdapter, type Kysely, type Selectable } from 'kysely';
import { hashAuditEntry } from '../domain/kernel/audit-chain.js';
import type { AuditStore } from '../domain/kernel/store.js';
import type { AuditEntry } from '../domain/kernel/types.js';
import type { AuditLogTable, Database } from './schema.js';

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return { ...row, seq: Number(row.seq), detail: JSON.parse(row.detail) as Record<string, unknown> };
}

/**
 * Append to the chain inside the caller's transaction (a withdrawal writes its entry with the debit).
 * Advancing the head row first locks it (PostgreSQL row lock; SQLite's single writer): two processes
 * cannot chain onto the same previous entry. Always the last lock a transaction takes: no deadlock.
 */
export async function appendAuditEntry(db: Kysely<any>, input: AuditInput): Promise<AuditEntry> {
  const trx = db as Kysely<Database>;
  const head = await trx
    .updateTable('auditHead')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const unhashed = { ...input, seq: Number(head.seq), prevHash: head.hash };
  const entry: AuditEntry = { ...unhashed, hash: hashAuditEntry(unhashed) };
  const row = { ...entry, detail: JSON.stringify(entry.detail) };
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    // PostgreSQL: the entry and the head's new hash in one statement (a data-modifying CTE), one round trip
    // instead of two, still under the head's row lock taken above.
    await trx
      .with('logged', (db) => db.insertInto('auditLog').values(row))
      .updateTable('auditHead')
      .set({ hash: entry.hash })
      .where('id', '=', 1)
      .execute();
    return entry;
  }
  await trx.insertInto('auditLog').values(row).execute();
  await trx.updateTable('auditHead').set({ hash: entry.hash }).where('id', '=', 1).execute();
  return entry;
}

type AuditInput = Parameters<AuditStore['append']>[0];

export function createAuditRepo(db: Kysely<Database>): AuditStore {
  return {
    async append(input) {
      // Inside a caller's transaction (Store.transaction) the append joins it.
      return db.isTransaction ? appendAuditEntry(db, input) : db.transaction().execute((trx) => appendAuditEntry(trx, input));
    },
    async listForCustomer(customerId, limit, beforeSeq) {
      let query = db.selectFrom('auditLog').selectAll().where('customerId', '=', customerId).orderBy('seq', 'desc').limit(limit);
      if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
      return (await query.execute()).map(toEntry);
    },
    async lastActionAt(customerId, actions, since) {
      if (actions.length === 0) return null;
      const row = await db
        .selectFrom('auditLog')
        .select((eb) => eb.fn.max('at').as('at'))
        .where('customerId', '=', customerId)
        .where('action', 'in', [...actions])
        .where('at', '>=', since)
        .executeTakeFirst();
      return row?.at == null ? null : Number(row.at);
    },
    async listAll(afterSeq, limit) {
      const rows = await db.selectFrom('auditLog').selectAll().where('seq', '>', afterSeq).orderBy('seq', 'asc').limit(limit).execute();
      return rows.map(toEntry);
    },
  };
}
