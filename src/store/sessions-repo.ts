import type { Kysely } from 'kysely';
import type { SessionStore } from '../domain/kernel/store.js';
import type { Database } from './schema.js';
import { inTransaction } from './transaction.js';

export function createSessionRepo(db: Kysely<Database>): SessionStore {
  return {
    async insert(session) {
      await db.insertInto('sessions').values(session).execute();
    },
    async findById(id) {
      // One statement: the session and its customer's credential version, so resolution compares
      // the version the sign-in saw with the one the last credential change left.
      const row = await db
        .selectFrom('sessions')
        .innerJoin('customers', 'customers.id', 'sessions.customerId')
        .selectAll('sessions')
        .select('customers.credentialVersion as customerCredentialVersion')
        .where('sessions.id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        ...row,
        credentialVersion: Number(row.credentialVersion),
        customerCredentialVersion: Number(row.customerCredentialVersion),
        lineageId: row.lineageId ?? row.id,
      };
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
    async revokeOtherSessions(customerId, keepSessionId) {
      return inTransaction(db, async (trx) => {
        const { credentialVersion } = await trx
          .updateTable('customers')
          .set((eb) => ({ credentialVersion: eb('credentialVersion', '+', 1) }))
          .where('id', '=', customerId)
          .returning('credentialVersion')
          .executeTakeFirstOrThrow();
        const version = Number(credentialVersion);
        let others = trx.deleteFrom('sessions').where('customerId', '=', customerId);
        if (keepSessionId !== null) {
          await trx.updateTable('sessions').set({ credentialVersion: version }).where('id', '=', keepSessionId).where('customerId', '=', customerId).execute();
          others = others.where('id', '!=', keepSessionId);
        }
        await others.execute();
        return version;
      });
    },
  };
}
