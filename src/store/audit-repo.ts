import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import { auditEntryBody, hashAuditEntry } from '../domain/kernel/audit-chain.js';
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
  if (trx.getExecutor().adapter instanceof PostgresAdapter) return appendOnPostgres(trx, input);
  const head = await trx
    .updateTable('auditHead')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const unhashed = { ...input, seq: Number(head.seq), prevHash: head.hash };
  const entry: AuditEntry = { ...unhashed, hash: hashAuditEntry(unhashed) };
  await trx.insertInto('auditLog').values({ ...entry, detail: JSON.stringify(entry.detail) }).execute();
  await trx.updateTable('auditHead').set({ hash: entry.hash }).where('id', '=', 1).execute();
  return entry;
}

/**
 * PostgreSQL: one statement, one round trip. The head's UPDATE takes its row lock, moves the sequence on
 * and computes the new hash from the row it locked (every SET reads the row as it was, so the previous
 * hash is that row's and is kept in `prev_hash`); the entry is inserted from what it returns. The hash
 * is `hashAuditEntry`'s: the SHA-256 of the same canonical text, whose middle (`auditEntryBody`) is sent
 * and put by the database between the sequence number and the previous hash. `kabuto audit verify`
 * recomputes every one in JavaScript.
 */
async function appendOnPostgres(trx: Kysely<Database>, input: AuditInput): Promise<AuditEntry> {
  const middle = auditEntryBody(input);
  const { rows } = await sql<{ seq: number | string; prevHash: string; hash: string }>`
    with head as (
      update audit_head set seq = seq + 1, prev_hash = hash,
        hash = encode(sha256(convert_to('[' || (seq + 1)::text || ',' || ${middle}::text || ',"' || hash || '"]', 'UTF8')), 'hex')
      where id = 1
      returning seq, prev_hash, hash
    )
    insert into audit_log (customer_id, at, actor, action, detail, seq, prev_hash, hash)
    select ${input.customerId}::text, ${input.at}::bigint, ${input.actor}::text, ${input.action}::text, ${JSON.stringify(input.detail)}::text, seq, prev_hash, hash from head
    returning seq, prev_hash, hash`.execute(trx);
  const row = rows[0];
  if (!row) throw new Error('audit chain: the head row is missing');
  return { ...input, seq: Number(row.seq), prevHash: row.prevHash, hash: row.hash };
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
