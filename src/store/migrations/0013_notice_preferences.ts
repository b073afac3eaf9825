import type { Kysely } from 'kysely';

// Issue 16.4: the customer's notice preference: a sign-in notice for every sign-in, or (the default,
// no row) for new devices only.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notice_preferences')
    .addColumn('customer_id', 'text', (c) => c.primaryKey())
    .addColumn('every_sign_in', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notice_preferences').ifExists().execute();
}
