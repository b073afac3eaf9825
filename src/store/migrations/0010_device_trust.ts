import { sql, type Kysely } from 'kysely';

// Issue 16.1: a known device's trust has an age (it counts as new again after KABUTO_DEVICE_TRUST_DAYS),
// and the list of known devices names each by its browser and last address.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('known_devices').addColumn('trusted_at', 'bigint').execute();
  await db.schema.alterTable('known_devices').addColumn('user_agent', 'text').execute();
  await db.schema.alterTable('known_devices').addColumn('address', 'text').execute();
  // Devices known before: trusted since they were first seen.
  await sql`update known_devices set trusted_at = first_seen_at`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['address', 'user_agent', 'trusted_at']) await db.schema.alterTable('known_devices').dropColumn(column).execute();
}
