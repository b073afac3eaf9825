import type { Kysely } from 'kysely';

// The durable outbox of notices (src/domain/kernel/notice-outbox.ts): written in the transaction of the
// change a notice reports, delivered by a sender loop in every instance. No one-time code is ever
// stored here (codes are sent inside the request and kept only as an HMAC).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notice_queue')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // pending → sent, or pending → dead after the last attempt failed.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    // When the next attempt is due; while a sender holds the notice, the end of its lease.
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('notice_queue_due').on('notice_queue').columns(['status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notice_queue').ifExists().execute();
}
