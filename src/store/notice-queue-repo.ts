import { sql, type Kysely } from 'kysely';
import type { NewNotice, NoticeChannel, NoticeQueueStore, NoticeStatus, QueuedNotice } from '../domain/kernel/notice-outbox.js';
import type { Dialect } from './database.js';
import type { Database } from './schema.js';
import { insertFreezeCode } from './protection-repo.js';
import { inTransaction } from './transaction.js';

export interface NoticeQueueTable {
  id: string;
  channel: string;
  recipient: string;
  subject: string | null;
  body: string;
  kind: string;
  status: string;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export type NoticeTables = { noticeQueue: NoticeQueueTable };

/** A claimed row as the driver returns it: PostgreSQL's bigints may come back as strings. */
type ClaimedRow = Pick<NoticeQueueTable, 'id' | 'channel' | 'recipient' | 'subject' | 'body' | 'kind'> & { attempts: number | string; createdAt: number | string };

/** Queue a notice inside the caller's transaction (a withdrawal queues its notice with the debit). */
export async function insertNotice(db: Kysely<any>, notice: NewNotice & { id: string; createdAt: number }): Promise<void> {
  const { freezeCode, ...row } = notice;
  const write = async (executor: Kysely<any>) => {
    await (executor as Kysely<NoticeTables>)
      .insertInto('noticeQueue')
      .values({ ...row, status: 'pending', attempts: 0, nextAttemptAt: row.createdAt, lastError: null, sentAt: null })
      .execute();
    if (freezeCode) await insertFreezeCode(executor, { ...freezeCode, createdAt: row.createdAt });
  };
  await (freezeCode ? inTransaction(db, write) : write(db));
}

export function createNoticeQueueRepo(base: Kysely<Database>, dialect: Dialect): NoticeQueueStore {
  const db = base.withTables<NoticeTables>();
  // PostgreSQL: rows another instance is claiming right now are skipped, not waited for. SQLite: one
  // statement is atomic and one process owns the file's writes at a time.
  const lock = dialect === 'postgres' ? sql` for update skip locked` : sql``;
  return {
    enqueue: (notice) => insertNotice(db, notice),
    async claim(now, leaseUntil, limit) {
      const result = await sql<ClaimedRow>`
        update notice_queue set attempts = attempts + 1, next_attempt_at = ${leaseUntil}
        where id in (
          select id from notice_queue where status = 'pending' and next_attempt_at <= ${now}
          order by next_attempt_at, id limit ${limit}${lock}
        )
        returning id, channel, recipient, subject, body, kind, attempts, created_at as "createdAt"`.execute(db);
      return result.rows
        .map((r): QueuedNotice => ({ id: r.id, channel: r.channel as NoticeChannel, recipient: r.recipient, subject: r.subject, body: r.body, kind: r.kind, attempts: Number(r.attempts), createdAt: Number(r.createdAt) }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    async markSent(ids, now) {
      if (ids.length === 0) return;
      await db.updateTable('noticeQueue').set({ status: 'sent', sentAt: now, lastError: null }).where('id', 'in', ids).execute();
    },
    async markFailed(id, failure) {
      await db
        .updateTable('noticeQueue')
        .set({ status: failure.dead ? 'dead' : 'pending', nextAttemptAt: failure.nextAttemptAt, lastError: failure.error })
        .where('id', '=', id)
        .execute();
    },
    async revive(now) {
      const result = await db.updateTable('noticeQueue').set({ status: 'pending', attempts: 0, nextAttemptAt: now }).where('status', '=', 'dead').executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async counts() {
      const rows = await db.selectFrom('noticeQueue').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      const counts: Record<NoticeStatus, number> = { pending: 0, sent: 0, dead: 0 };
      for (const row of rows) counts[row.status as NoticeStatus] = Number(row.n);
      return counts;
    },
    async pruneSent(before) {
      const result = await db.deleteFrom('noticeQueue').where('status', '=', 'sent').where('sentAt', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
