import { sql, type Kysely } from 'kysely';
import { forget, type SessionCache, type SessionRevocation, type StoredSession } from '../domain/kernel/session-cache.js';
import type { SessionStore } from '../domain/kernel/store.js';
import type { Dialect } from './database.js';
import type { Database } from './schema.js';
import { inTransaction } from './transaction.js';

/** The PostgreSQL channel every instance listens on (`revocation-listener.ts`). */
export const REVOCATION_CHANNEL = 'kabuto_session_revoked';

export function revocationPayload(revocation: SessionRevocation): string {
  if ('session' in revocation) return `s:${revocation.session}`;
  return 'customer' in revocation ? `c:${revocation.customer}` : `b:${revocation.balances}`;
}

export function parseRevocation(payload: string | undefined): SessionRevocation | undefined {
  const [kind, id] = [payload?.slice(0, 2), payload?.slice(2)];
  if (!id) return undefined;
  if (kind === 's:') return { session: id };
  if (kind === 'c:') return { customer: id };
  if (kind === 'b:') return { balances: id };
  return undefined;
}

export interface SessionRepoOptions {
  dialect: Dialect;
  /** The process's session cache: findById reads through it, and revocations are forgotten in it. */
  cache?: SessionCache;
  /** Set when the repository was built on a store transaction: what to forget again once it commits. */
  committed?: SessionRevocation[];
  /** Called before every read served from the cache (SQLite: empties it when another process committed; store/index.ts). */
  beforeCachedRead?: () => void;
}

/**
 * The sessions table, and the ONE place a session is revoked for the caches: every write that ends
 * sessions or moves a customer's credential version forgets them here, in this process's cache at
 * once (and again after the store transaction commits) and, on PostgreSQL, for every instance by
 * `pg_notify` in the same transaction as the write (PostgreSQL delivers it at commit). The notice is
 * sent by every store, cached or not (a command-line process tells the servers too).
 */
export function createSessionRepo(db: Kysely<Database>, options: SessionRepoOptions): SessionStore {
  const { cache } = options;
  // Forgets what the write revoked, now and (when the write opens its own transaction) again after the
  // commit: a read racing the transaction may have cached the row it was deleting.
  const revoked = async (executor: Kysely<Database>, revocation: SessionRevocation, after: SessionRevocation[]) => {
    if (cache) forget(cache, revocation);
    (options.committed ?? after).push(revocation);
    if (options.dialect === 'postgres') await sql`select pg_notify(${REVOCATION_CHANNEL}, ${revocationPayload(revocation)})`.execute(executor);
  };
  // On PostgreSQL the notice commits with the write (a failed notice undoes the write); on SQLite no one else listens.
  const revoking = async <T>(transactional: boolean, work: (executor: Kysely<Database>, after: SessionRevocation[]) => Promise<T>): Promise<T> => {
    const after: SessionRevocation[] = [];
    const result = await (transactional || options.dialect === 'postgres' ? inTransaction(db, (trx) => work(trx, after)) : work(db, after));
    if (cache) for (const revocation of after) forget(cache, revocation);
    return result;
  };

  const read = async (id: string): Promise<StoredSession | undefined> => {
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
  };

  return {
    async insert(session) {
      await db.insertInto('sessions').values(session).execute();
    },
    async findById(id) {
      // Inside a transaction the database answers: it sees the transaction's own writes.
      if (!cache || db.isTransaction) return read(id);
      options.beforeCachedRead?.();
      const cached = cache.get(id);
      if (cached) return cached;
      const mark = cache.mark();
      const found = await read(id);
      if (found) cache.set(id, found, mark);
      return found;
    },
    async touch(id, now) {
      await db.updateTable('sessions').set({ lastSeenAt: now }).where('id', '=', id).execute();
      cache?.touched(id, now);
    },
    async delete(id) {
      await revoking(false, async (executor, after) => {
        await executor.deleteFrom('sessions').where('id', '=', id).execute();
        await revoked(executor, { session: id }, after);
      });
    },
    async deleteForCustomer(customerId, exceptId) {
      return revoking(false, async (executor, after) => {
        let query = executor.deleteFrom('sessions').where('customerId', '=', customerId);
        if (exceptId) query = query.where('id', '!=', exceptId);
        const result = await query.executeTakeFirst();
        // The kept session is forgotten too: it is read again on its next use.
        await revoked(executor, { customer: customerId }, after);
        return Number(result.numDeletedRows);
      });
    },
    async listForCustomer(customerId) {
      const rows = await db.selectFrom('sessions').selectAll().where('customerId', '=', customerId).orderBy('createdAt', 'desc').limit(200).execute();
      return rows.map((row) => ({ ...row, createdAt: Number(row.createdAt), lastSeenAt: Number(row.lastSeenAt), credentialVersion: Number(row.credentialVersion), lineageId: row.lineageId ?? row.id }));
    },
    async revokeOtherSessions(customerId, keepSessionId) {
      return revoking(true, async (trx, after) => {
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
        await revoked(trx, { customer: customerId }, after);
        return version;
      });
    },
  };
}
