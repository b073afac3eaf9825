import type { Kysely } from 'kysely';

// Second factors beyond the phone: TOTP secrets (encrypted), passkeys, recovery codes (hashed),
// the random challenges of WebAuthn ceremonies, and the devices a customer has signed in from.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('totp_factors')
    .addColumn('customer_id', 'text', (c) => c.primaryKey())
    // AES-256-GCM ciphertexts; `pending` is an enrolment not yet confirmed by a first code.
    .addColumn('secret_enc', 'text')
    .addColumn('pending_enc', 'text')
    // The last time step whose code was accepted: a code is good once (no replay).
    .addColumn('last_step', 'bigint')
    .addColumn('confirmed_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('passkeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('device_type', 'text', (c) => c.notNull())
    .addColumn('backed_up', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('passkeys_customer').on('passkeys').column('customer_id').execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addPrimaryKeyConstraint('recovery_codes_pk', ['customer_id', 'code_hash'])
    .execute();

  // WebAuthn challenges live in the database: any process may receive the answer; each is used once.
  await db.schema
    .createTable('webauthn_challenges')
    .addColumn('challenge', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webauthn_challenges_expiry').on('webauthn_challenges').column('expires_at').execute();

  await db.schema
    .createTable('known_devices')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('device_hash', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('known_devices_pk', ['customer_id', 'device_hash'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['known_devices', 'webauthn_challenges', 'recovery_codes', 'passkeys', 'totp_factors']) {
    await db.schema.dropTable(table).execute();
  }
}
