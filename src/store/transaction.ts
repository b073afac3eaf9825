import type { Kysely, Transaction } from 'kysely';

/**
 * Run `work` in a transaction: the caller's, when the repository was built on one (a change, its
 * audit entry and its notices commit together: `Store.transaction`), or a new one otherwise.
 * Kysely cannot open a transaction inside a transaction.
 */
export function inTransaction<DB, T>(db: Kysely<DB>, work: (trx: Kysely<DB> | Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
