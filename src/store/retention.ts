import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle } from './database.js';
import type { Database } from './schema.js';
import type { NoticeTables } from './notice-queue-repo.js';

// Deleting rows that nothing can use any more, in small batches: each batch is one short statement,
// so a prune running beside live servers holds its locks for milliseconds, never the whole table.

export interface PruneCutoffs {
  /** Challenges that expired before this (epoch ms). */
  challengesExpiredBefore: number;
  /** Sessions last seen before this are past the idle timeout. */
  sessionsIdleBefore: number;
  /** Sessions created before this are past the absolute lifetime. */
  sessionsCreatedBefore: number;
  outboxBefore: number;
  throttleEventsBefore: number;
  /** Replaced e-mail addresses and phone numbers, kept only for the cooling-off window they are told in. */
  replacedContactsBefore: number;
}

export type PruneCounts = Record<'challenges' | 'sessions' | 'outbox' | 'throttleEvents' | 'notices' | 'replacedContacts', number>;

async function inBatches(deleteBatch: () => Promise<number>, batchSize: number, pauseMs: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < batchSize) return total;
    // Leave room for the servers' own queries between batches.
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/**
 * throttle_events and replaced_contacts have no key column of their own: SQLite's rowid and
 * PostgreSQL's ctid name a row.
 */
async function deleteOldRowsBatch(handle: DatabaseHandle, table: 'throttle_events' | 'replaced_contacts', column: 'at' | 'replaced_at', before: number, limit: number): Promise<number> {
  const t = sql.table(table);
  const c = sql.ref(column);
  const query =
    handle.dialect === 'sqlite'
      ? sql`delete from ${t} where rowid in (select rowid from ${t} where ${c} < ${before} limit ${limit})`
      : sql`delete from ${t} where ctid = any(array(select ctid from ${t} where ${c} < ${before} limit ${limit}))`;
  const result = await query.execute(handle.db);
  return Number(result.numAffectedRows ?? 0);
}

export async function pruneExpired(handle: DatabaseHandle, cutoffs: PruneCutoffs, options: { batchSize?: number; pauseMs?: number } = {}): Promise<PruneCounts> {
  const db: Kysely<Database> = handle.db;
  const batchSize = options.batchSize ?? 500;
  const pauseMs = options.pauseMs ?? 10;
  const deleted = async (result: Promise<{ numDeletedRows: bigint }>) => Number((await result).numDeletedRows);
  const challenges = () =>
    deleted(db.deleteFrom('challenges').where('id', 'in', db.selectFrom('challenges').select('id').where('expiresAt', '<', cutoffs.challengesExpiredBefore).limit(batchSize)).executeTakeFirst());
  const sessions = () =>
    deleted(
      db
        .deleteFrom('sessions')
        .where('id', 'in', db.selectFrom('sessions').select('id').where((eb) => eb.or([eb('lastSeenAt', '<', cutoffs.sessionsIdleBefore), eb('createdAt', '<', cutoffs.sessionsCreatedBefore)])).limit(batchSize))
        .executeTakeFirst(),
    );
  const outbox = () => deleted(db.deleteFrom('outbox').where('id', 'in', db.selectFrom('outbox').select('id').where('at', '<', cutoffs.outboxBefore).limit(batchSize)).executeTakeFirst());
  // Delivered notices hold addresses and sign-in details: they go with the outbox's retention. Pending
  // and dead-lettered ones stay until sent (or revived and sent).
  const queue = db.withTables<NoticeTables>();
  const notices = () =>
    deleted(
      queue
        .deleteFrom('noticeQueue')
        .where('id', 'in', queue.selectFrom('noticeQueue').select('id').where('status', '=', 'sent').where('sentAt', '<', cutoffs.outboxBefore).limit(batchSize))
        .executeTakeFirst(),
    );
  return {
    challenges: await inBatches(challenges, batchSize, pauseMs),
    sessions: await inBatches(sessions, batchSize, pauseMs),
    outbox: await inBatches(outbox, batchSize, pauseMs),
    throttleEvents: await inBatches(() => deleteOldRowsBatch(handle, 'throttle_events', 'at', cutoffs.throttleEventsBefore, batchSize), batchSize, pauseMs),
    notices: await inBatches(notices, batchSize, pauseMs),
    replacedContacts: await inBatches(() => deleteOldRowsBatch(handle, 'replaced_contacts', 'replaced_at', cutoffs.replacedContactsBefore, batchSize), batchSize, pauseMs),
  };
}
