import type { Kysely } from 'kysely';

// Reservations (reserve before you act): a place in a sliding-window limit is an event row with its
// own id, taken atomically before the work it limits and given back by that id.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('throttle_events').addColumn('id', 'text').execute();
  await db.schema.createIndex('throttle_events_id').on('throttle_events').column('id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('throttle_events_id').execute();
  await db.schema.alterTable('throttle_events').dropColumn('id').execute();
}
