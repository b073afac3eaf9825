import type { Kysely } from 'kysely';

// Credentials and cooling-off (issue 11, 13.4):
// - customers.credential_version: bumped by every credential change (password, phone, e-mail, factors,
//   an operator's factor reset); copied into each session at creation, so a session opened by a
//   sign-in that raced with the change carries the old version and is refused.
// - sessions.lineage_id: the first session id of a browser's chain of rotations; a verified step-up
//   belongs to it, not to the customer.
// - withdrawals.cancelled_at: a held withdrawal the customer cancelled (refunded once).
// - replaced_contacts: the e-mail addresses and phone numbers a change replaced, so that everyone who
//   held a contact during the cooling-off window hears of a withdrawal or a new passkey.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customers').addColumn('credential_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sessions').addColumn('credential_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sessions').addColumn('lineage_id', 'text').execute();
  await db.schema.alterTable('withdrawals').addColumn('cancelled_at', 'bigint').execute();
  await db.schema
    .createTable('replaced_contacts')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('phone_type', 'text')
    .addColumn('replaced_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('replaced_contacts_customer').on('replaced_contacts').columns(['customer_id', 'replaced_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('replaced_contacts').execute();
  await db.schema.alterTable('withdrawals').dropColumn('cancelled_at').execute();
  await db.schema.alterTable('sessions').dropColumn('lineage_id').execute();
  await db.schema.alterTable('sessions').dropColumn('credential_version').execute();
  await db.schema.alterTable('customers').dropColumn('credential_version').execute();
}
