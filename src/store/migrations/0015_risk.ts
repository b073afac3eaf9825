import type { Kysely } from 'kysely';

// The risk engine (src/domain/risk, docs/risk.md): its decisions (score, signals, the rules that fired),
// and the orders and withdrawals it holds until the customer confirms by passkey or an operator decides.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('risk_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text')
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('score', 'integer', (c) => c.notNull())
    // JSON: the signals with their points and details, and every rule that fired with its mode.
    .addColumn('signals', 'text', (c) => c.notNull())
    .addColumn('fired', 'text', (c) => c.notNull())
    // A comma-separated copy of the fired rules' ids, for "decisions by rule" without a JSON query.
    .addColumn('fired_rules', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('hold_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('risk_decisions_customer_at').on('risk_decisions').columns(['customer_id', 'at']).execute();
  await db.schema.createIndex('risk_decisions_at').on('risk_decisions').column('at').execute();

  await db.schema
    .createTable('risk_holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('decision_id', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    // held → released | rejected, once (a conditional UPDATE).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'text')
    .addColumn('result', 'text')
    .execute();
  // One hold per request: a repeat of the same idempotency key finds it instead of holding twice.
  await db.schema.createIndex('risk_holds_customer_key').on('risk_holds').columns(['customer_id', 'idempotency_key']).unique().execute();
  await db.schema.createIndex('risk_holds_status_created').on('risk_holds').columns(['status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('risk_holds').ifExists().execute();
  await db.schema.dropTable('risk_decisions').ifExists().execute();
}
