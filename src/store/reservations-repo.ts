import { sql, type Kysely } from 'kysely';
import type { ReservationStore } from '../domain/kernel/store.js';
import type { Dialect } from './database.js';
import type { Database } from './schema.js';
import { pgScript } from './pg-script.js';
import { UNREAD } from './pg-batch.js';

/**
 * One place in a sliding-window limit, taken atomically: an event row inserted only while fewer
 * than `limit` rows of the key lie in the window. The count and the insert are one decision:
 * - SQLite: one INSERT … SELECT … WHERE count < limit; a writing statement holds the database's
 *   write lock from its first read, so no other connection or process can interleave.
 * - PostgreSQL: the same statement inside a transaction that first takes a transaction-scoped
 *   advisory lock on the key, so concurrent reservations of one key run one after another, each
 *   seeing what the one before committed (READ COMMITTED takes a new snapshot per statement). The
 *   lock and the insert go as one script (pg-script.ts): one round trip instead of four (begin,
 *   lock, insert, commit), the same implicit transaction, the insert's snapshot taken after the lock.
 * A place is given back by its id alone, never by key and time (two places may share a millisecond).
 */
export function createReservationRepo(db: Kysely<Database>, dialect: Dialect): ReservationStore {
  async function insertIfRoom(executor: Kysely<Database>, key: string, id: string, now: number, since: number, limit: number): Promise<boolean> {
    const result = await sql`
      insert into throttle_events (key, at, id)
      select ${key}, ${now}, ${id}
      where (select count(*) from throttle_events where key = ${key} and at >= ${since}) < ${limit}`.execute(executor);
    return Number(result.numAffectedRows ?? 0n) === 1;
  }
  return {
    async reserve({ key, id, now, windowMs, limit }) {
      const since = now - windowMs;
      if (dialect === 'sqlite') return insertIfRoom(db, key, id, now, since, limit);
      // Inside a store transaction (db.isTransaction) the same two statements run in it.
      if (db.isTransaction) {
        await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(db);
        return insertIfRoom(db, key, id, now, since, limit);
      }
      const result = await pgScript`
        select pg_advisory_xact_lock(hashtextextended(${key}, 0));
        insert into throttle_events (key, at, id)
        select ${key}, ${now}, ${id}
        where (select count(*) from throttle_events where key = ${key} and at >= ${since}) < ${limit}`.execute(db);
      return Number(result.numAffectedRows ?? 0n) === 1;
    },
    async record({ key, id, now }) {
      await db.insertInto('throttleEvents').values({ key, at: now, id }).execute();
    },
    async release(id) {
      // Nobody reads its answer: in a transaction it travels with the next statement (pg-batch.ts).
      await db.deleteFrom('throttleEvents').where('id', '=', id).modifyEnd(sql.raw(UNREAD)).execute();
    },
  };
}
