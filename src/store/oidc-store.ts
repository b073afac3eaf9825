import type { ExpressionBuilder, Kysely } from 'kysely';
import type { FederationStore, LogoutNotice, ModelRow, SigningKeyRecord } from '../domain/federation/ports.js';
import type { Database, OidcModelsTable, OidcSigningKeysTable } from './schema.js';
import type { Dialect } from './database.js';
import { freezeInTransaction } from './protection-repo.js';

// The OpenID Provider's storage (src/domain/federation/ports.ts), the same on SQLite and PostgreSQL:
// one table for the provider's models (payload as JSON, expiry, consumed mark, the lookups the
// provider asks by), its signing keys, the single-use redemptions of approvals, and the back-channel
// logout notices still owed to relying parties.

function rowOf(row: Pick<OidcModelsTable, 'payload' | 'expiresAt' | 'consumedAt'>): ModelRow {
  return {
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    expiresAt: row.expiresAt === null ? null : Number(row.expiresAt),
    consumedAt: row.consumedAt === null ? null : Number(row.consumedAt),
  };
}

function keyOf(row: OidcSigningKeysTable): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: JSON.parse(row.publicJwk) as Record<string, unknown>,
    sealedPrivateJwk: row.sealedPrivateJwk,
    createdAt: Number(row.createdAt),
    activatesAt: Number(row.activatesAt),
    retiredAt: row.retiredAt === null ? null : Number(row.retiredAt),
    expiresAt: row.expiresAt === null ? null : Number(row.expiresAt),
  };
}

/** Thrown inside the redemption's transaction to roll the insert back. */
class FrozenRollback {}

export function createOidcStore(db: Kysely<Database>, dialect: Dialect): FederationStore {
  const live = (model: string, now: number) =>
    db
      .selectFrom('oidcModels')
      .select(['id', 'payload', 'expiresAt', 'consumedAt'])
      .where('model', '=', model)
      .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', now)]));
  return {
    async liveLineages(lineages) {
      if (lineages.length === 0) return new Set();
      const rows = await db
        .selectFrom('sessions')
        .select(['id', 'lineageId'])
        .where((eb) => eb.or([eb('lineageId', 'in', [...lineages]), eb('id', 'in', [...lineages])]))
        .execute();
      return new Set(rows.map((row) => row.lineageId ?? row.id));
    },
    models: {
      async upsert(model, id, payload, expiresAt, lookups) {
        const values = { payload: JSON.stringify(payload), expiresAt, grantId: lookups.grantId ?? null, userCode: lookups.userCode ?? null, uid: lookups.uid ?? null };
        await db
          .insertInto('oidcModels')
          .values({ model, id, consumedAt: null, ...values })
          .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values))
          .execute();
      },
      async find(model, id, now) {
        const row = await live(model, now).where('id', '=', id).executeTakeFirst();
        return row && rowOf(row);
      },
      async findByUid(model, uid, now) {
        const row = await live(model, now).where('uid', '=', uid).executeTakeFirst();
        return row && rowOf(row);
      },
      async findByUserCode(model, userCode, now) {
        const row = await live(model, now).where('userCode', '=', userCode).executeTakeFirst();
        return row && rowOf(row);
      },
      async consume(model, id, now) {
        const result = await db.updateTable('oidcModels').set({ consumedAt: now }).where('model', '=', model).where('id', '=', id).where('consumedAt', 'is', null).executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      },
      async destroy(model, id) {
        await db.deleteFrom('oidcModels').where('model', '=', model).where('id', '=', id).execute();
      },
      async revokeByGrantId(grantId) {
        await db.deleteFrom('oidcModels').where('grantId', '=', grantId).execute();
      },
      async list(model, now) {
        const rows = await live(model, now).orderBy('id').execute();
        return rows.map((row) => ({ id: row.id, ...rowOf(row) }));
      },
      async prune(now) {
        const result = await db.deleteFrom('oidcModels').where('expiresAt', 'is not', null).where('expiresAt', '<=', now).executeTakeFirst();
        return Number(result.numDeletedRows);
      },
    },
    keys: {
      async list() {
        const rows = await db.selectFrom('oidcSigningKeys').selectAll().orderBy('createdAt').execute();
        return rows.map(keyOf);
      },
      async insert(key) {
        await db
          .insertInto('oidcSigningKeys')
          .values({ ...key, publicJwk: JSON.stringify(key.publicJwk) })
          .execute();
      },
      async retireActive(exceptKid, at, expiresAt) {
        await db.updateTable('oidcSigningKeys').set({ retiredAt: at, expiresAt }).where('kid', '!=', exceptKid).where('retiredAt', 'is', null).execute();
      },
      async deleteExpired(now) {
        await db.deleteFrom('oidcSigningKeys').where('expiresAt', 'is not', null).where('expiresAt', '<=', now).execute();
      },
    },
    redemptions: {
      async redeem(record) {
        // One transaction: the customer's withdrawal freeze is read where the single use is written, so a
        // freeze either committed before (refused, the approval still unused) or waits for this commit.
        // PostgreSQL: the customer's row first (the freeze's lock order); SQLite: the insert first (the write lock).
        const insert = (trx: Kysely<Database>) =>
          trx.insertInto('oidcRedemptions').values(record).onConflict((oc) => oc.column('tokenId').doNothing()).returning('tokenId').executeTakeFirst();
        try {
          return await db.transaction().execute(async (trx) => {
            if (dialect === 'postgres' && (await freezeInTransaction(trx, dialect, record.customerId, 'withdrawals')).frozen) return 'frozen' as const;
            if ((await insert(trx)) === undefined) return 'used' as const;
            if (dialect !== 'postgres' && (await freezeInTransaction(trx, dialect, record.customerId, 'withdrawals')).frozen) throw new FrozenRollback();
            return 'redeemed' as const;
          });
        } catch (error) {
          if (error instanceof FrozenRollback) return 'frozen';
          throw error;
        }
      },
    },
    logoutNotices: {
      async queue(notice) {
        const result = await db
          .insertInto('oidcLogoutNotices')
          .values({ ...notice, status: 'pending', leaseUntil: null })
          .onConflict((oc) => oc.columns(['clientId', 'sid']).doNothing())
          .returning('id')
          .executeTakeFirst();
        return result !== undefined;
      },
      async claimDue(now, leaseUntil, limit) {
        const free = (eb: ExpressionBuilder<Database, 'oidcLogoutNotices'>) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<=', now)]);
        const due = await db
          .selectFrom('oidcLogoutNotices')
          .select('id')
          .where('status', '=', 'pending')
          .where('nextAttemptAt', '<=', now)
          .where(free)
          .orderBy('nextAttemptAt')
          .limit(limit)
          .execute();
        const claimed: LogoutNotice[] = [];
        // One conditional update each: of two instances sweeping at once, one wins every notice.
        for (const { id } of due) {
          const row = await db
            .updateTable('oidcLogoutNotices')
            .set({ leaseUntil })
            .where('id', '=', id)
            .where('status', '=', 'pending')
            .where(free)
            .returning(['id', 'clientId', 'sub', 'sid', 'attempts', 'createdAt'])
            .executeTakeFirst();
          if (row) claimed.push({ ...row, attempts: Number(row.attempts), createdAt: Number(row.createdAt) });
        }
        return claimed;
      },
      async delivered(id) {
        await db.deleteFrom('oidcLogoutNotices').where('id', '=', id).execute();
      },
      async failed(id, attempts, nextAttemptAt, lastError) {
        await db
          .updateTable('oidcLogoutNotices')
          .set(nextAttemptAt === null ? { attempts, status: 'dead', leaseUntil: null, lastError } : { attempts, nextAttemptAt, leaseUntil: null, lastError })
          .where('id', '=', id)
          .execute();
      },
      async revive(id, now) {
        const result = await db
          .updateTable('oidcLogoutNotices')
          .set({ status: 'pending', attempts: 0, nextAttemptAt: now, leaseUntil: null })
          .where('id', '=', id)
          .where('status', '=', 'dead')
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      },
      async dropDead(id) {
        const result = await db.deleteFrom('oidcLogoutNotices').where('id', '=', id).where('status', '=', 'dead').executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      },
      async list(options = {}) {
        let query = db.selectFrom('oidcLogoutNotices').selectAll().orderBy('createdAt').orderBy('id').limit(options.limit ?? 1000);
        if (options.status) query = query.where('status', '=', options.status);
        const rows = await query.execute();
        return rows.map((row) => ({
          id: row.id,
          clientId: row.clientId,
          sub: row.sub,
          sid: row.sid,
          attempts: Number(row.attempts),
          createdAt: Number(row.createdAt),
          status: row.status === 'dead' ? ('dead' as const) : ('pending' as const),
          nextAttemptAt: Number(row.nextAttemptAt),
          lastError: row.lastError,
        }));
      },
    },
  };
}
