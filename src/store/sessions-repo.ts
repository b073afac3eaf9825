import type { Kysely } from 'kysely';
import type { SessionStore } from '../domain/store.js';
import type { Database } from './schema.js';

export function createSessionRepo(db: Kysely<Database>): SessionStore {
  return {
    async insert(session) {
      await db.insertInto('sessions').values(session).execute();
    },
    async findById(id) {
      return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async touch(id, now) {
      await db.updateTable('sessions').set({ lastSeenAt: now }).where('id', '=', id).execute();
    },
    async delete(id) {
      await db.deleteFrom('sessions').where('id', '=', id).execute();
    },
    async deleteForCustomer(customerId, exceptId) {
      let query = db.deleteFrom('sessions').where('customerId', '=', customerId);
      if (exceptId) query = query.where('id', '!=', exceptId);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
