import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { LoginEventStore, OutboxStore, ThrottleStore } from '../domain/kernel/store.js';
import type { LoginEvent, OutboxMessage } from '../domain/kernel/types.js';
import type { Database } from './schema.js';

/**
 * A customer's last successful sign-ins, newest first (the risk engine's history): the login events'
 * `lastSignIns`, and a subquery of the password sign-in's lookup on PostgreSQL (customers-repo.ts).
 */
export function lastSignInsOf(customerId: string | RawBuilder<unknown>, limit: number) {
  return sql<{ address: string; at: number }>`select address, at from login_events where customer_id = ${customerId} and result = 'signed_in' order by at desc, id desc limit ${limit}`;
}

export const toSignIns = (rows: ReadonlyArray<{ address: string; at: number | string }>) => rows.map((row) => ({ address: row.address, at: Number(row.at) }));

export function createThrottleRepo(db: Kysely<Database>): ThrottleStore {
  return {
    async count(key, since, atMost) {
      const events = db.selectFrom('throttleEvents').where('key', '=', key).where('at', '>=', since);
      const row =
        atMost === undefined
          ? await events.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
          : await db
              .selectFrom(events.select('id').limit(atMost).as('counted'))
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export function createOutboxRepo(db: Kysely<Database>): OutboxStore {
  return {
    async add(message) {
      await db.insertInto('outbox').values(message).execute();
    },
    async list(recipient, limit) {
      let query = db.selectFrom('outbox').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit);
      if (recipient) query = query.where('recipient', '=', recipient);
      return (await query.execute()) as OutboxMessage[];
    },
  };
}

export function createLoginEventRepo(db: Kysely<Database>): LoginEventStore {
  return {
    async add(event) {
      await db.insertInto('loginEvents').values(event).execute();
    },
    async list(customerId, limit, beforeAt) {
      let query = db.selectFrom('loginEvents').selectAll().where('customerId', '=', customerId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit);
      if (beforeAt !== undefined) query = query.where('at', '<', beforeAt);
      return (await query.execute()) as LoginEvent[];
    },
    async lastSignIns(customerId, limit) {
      return toSignIns((await lastSignInsOf(customerId, limit).execute(db)).rows);
    },
  };
}
