import type { Kysely } from 'kysely';

// Issue 16.2–16.3: the customer's freezes (取引制限 / ログイン一時停止), the one-time freeze codes every
// notice e-mail carries (only their hash kept), and the alerts operators read ("this wasn't me").

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_freezes')
    .addColumn('customer_id', 'text', (c) => c.primaryKey())
    // Each level frozen since then, or null: withdrawals and bank-account changes, orders, sign-in.
    .addColumn('withdrawals_at', 'bigint')
    .addColumn('orders_at', 'bigint')
    .addColumn('sign_in_at', 'bigint')
    // The last lift: withdrawals are held for the cooling-off after it.
    .addColumn('lifted_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('freeze_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('freeze_codes_customer').on('freeze_codes').column('customer_id').execute();
  await db.schema
    .createTable('operator_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['operator_alerts', 'freeze_codes', 'account_freezes']) await db.schema.dropTable(table).ifExists().execute();
}
