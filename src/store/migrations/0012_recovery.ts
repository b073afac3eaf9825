import type { Kysely } from 'kysely';

// Issue 16.5: recovery without weakening the account. A forgotten-password request is a row whether
// or not the login ID exists (customer_id null then): the same work, the same answer.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recoveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    // open → used, or open → dead after its last attempt.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    // The code texted to the registered phone, as an HMAC bound to this recovery.
    .addColumn('code_hash', 'text')
    .addColumn('code_expires_at', 'bigint')
    .addColumn('sends', 'integer', (c) => c.notNull())
    .addColumn('last_sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('recoveries_expiry').on('recoveries').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('recoveries').ifExists().execute();
}
