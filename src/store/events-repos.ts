import type { Kysely } from 'kysely';
import type { LoginEventStore, OutboxStore, ThrottleStore } from '../domain/kernel/store.js';
import type { LoginEvent, OutboxMessage } from '../domain/kernel/types.js';
import type { Database } from './schema.js';

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
      const rows = await db
        .selectFrom('loginEvents')
        .select(['address', 'at'])
        .where('customerId', '=', customerId)
        .where('result', '=', 'signed_in')
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ address: row.address, at: Number(row.at) }));
    },
  };
}
