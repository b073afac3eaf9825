import { sql, type Kysely } from 'kysely';

// The money of a customer: a balance row per customer, the append-only ledger it sums, holdings,
// orders, withdrawals and idempotency keys. Amounts are integer yen in bigint, as in 0001.

export async function up(db: Kysely<any>): Promise<void> {
  // One row per customer: the running balance, updated in the same transaction as each entry.
  // A debit is a conditional UPDATE (... WHERE available >= amount); the CHECK is the last line of
  // defence should any code path forget the condition.
  await db.schema
    .createTable('cash_accounts')
    .addColumn('customer_id', 'text', (c) => c.primaryKey())
    .addColumn('available', 'bigint', (c) => c.notNull().check(sql`available >= 0`))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();

  // Append-only: rows are inserted, never updated or deleted. `seq` is per customer (from the
  // balance row), so history pages are stable even when many entries share a timestamp.
  await db.schema
    .createTable('ledger_entries')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('balance_after', 'bigint', (c) => c.notNull().check(sql`balance_after >= 0`))
    .addColumn('reference', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_entries_pk', ['customer_id', 'seq'])
    .execute();

  await db.schema
    .createTable('holdings')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('quantity', 'bigint', (c) => c.notNull().check(sql`quantity >= 0`))
    .addPrimaryKeyConstraint('holdings_pk', ['customer_id', 'symbol'])
    .execute();

  // Executed orders, append-only: the holdings are their signed sum, as the balance is the ledger's.
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addColumn('price', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orders_customer_seq').on('orders').columns(['customer_id', 'seq']).execute();

  await db.schema
    .createTable('withdrawals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('bank_account', 'text', (c) => c.notNull())
    .addColumn('held_until', 'bigint')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('withdrawals_customer_held').on('withdrawals').columns(['customer_id', 'held_until']).execute();

  // The primary key is what makes a key move money once: concurrent inserts of one key, one wins.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['customer_id', 'key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['idempotency_keys', 'withdrawals', 'orders', 'holdings', 'ledger_entries', 'cash_accounts']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
