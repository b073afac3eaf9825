import type { Kysely } from 'kysely';

// Issue 14.2: on PostgreSQL an audit entry is appended by ONE statement that advances the chain's head
// and computes the entry's hash in the database (audit-repo.ts). An UPDATE's RETURNING gives only the
// new row, so the head keeps the hash it had before, for the entry's `prev_hash`. Null until the first
// append after this migration; SQLite's two-statement append leaves it alone.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_head').addColumn('prev_hash', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_head').dropColumn('prev_hash').execute();
}
