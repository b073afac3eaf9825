import type { Kysely, Selectable } from 'kysely';
import type { ChallengeStore } from '../domain/kernel/store.js';
import type { ChallengeData, ChallengeRecord, ChallengeStatus, CodeChannel, Purpose } from '../domain/kernel/types.js';
import type { ChallengesTable, Database } from './schema.js';

function toRecord(row: Selectable<ChallengesTable>): ChallengeRecord {
  return {
    ...row,
    purpose: row.purpose as Purpose,
    status: row.status as ChallengeStatus,
    codeChannel: row.codeChannel as CodeChannel | null,
    data: JSON.parse(row.data) as ChallengeData,
  };
}

export function createChallengeRepo(db: Kysely<Database>): ChallengeStore {
  return {
    async insert(challenge) {
      await db
        .insertInto('challenges')
        .values({ ...challenge, data: JSON.stringify(challenge.data) })
        .execute();
    },
    async findById(id) {
      const row = await db.selectFrom('challenges').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async reserveSend(id, r) {
      // One statement decides: concurrent resends cannot both pass the interval or the cap.
      const result = await db
        .updateTable('challenges')
        .set((eb) => ({
          sends: eb('sends', '+', 1),
          lastSentAt: r.now,
          codeHash: r.codeHash,
          codeExpiresAt: r.codeExpiresAt,
          codeChannel: r.channel,
        }))
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('expiresAt', '>', r.now)
        .where('sends', '<', r.maxSends)
        .where((eb) => eb.or([eb('lastSentAt', 'is', null), eb('lastSentAt', '<=', r.now - r.minIntervalMs)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async releaseSend(id, codeHash, previous) {
      await db
        .updateTable('challenges')
        .set({ sends: previous.sends, lastSentAt: previous.lastSentAt, codeHash: null, codeExpiresAt: null })
        .where('id', '=', id)
        .where('codeHash', '=', codeHash)
        .execute();
    },
    async restartResendWait(id, codeHash, previousLastSentAt) {
      await db.updateTable('challenges').set({ lastSentAt: previousLastSentAt }).where('id', '=', id).where('codeHash', '=', codeHash).execute();
    },
    async reserveAttempt(id, maxAttempts) {
      return db
        .updateTable('challenges')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('attempts', '<', maxAttempts)
        .returning(['attempts'])
        .executeTakeFirst();
    },
    async kill(id) {
      await db.updateTable('challenges').set({ status: 'dead' }).where('id', '=', id).where('status', '=', 'pending').execute();
    },
    async acceptCode(id, codeHash, now, to) {
      const result = await db
        .updateTable('challenges')
        .set(to === 'used' ? { status: to, verifiedAt: now, usedAt: now } : { status: to, verifiedAt: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('codeHash', '=', codeHash)
        .where('codeExpiresAt', '>', now)
        .where('expiresAt', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async acceptFactor(id, now, to) {
      const result = await db
        .updateTable('challenges')
        .set(to === 'used' ? { status: to, verifiedAt: now, usedAt: now } : { status: to, verifiedAt: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('expiresAt', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    consume: (id, match) => consumeVerifiedChallenge(db, id, match),
    async countDeadSince(customerId, since) {
      const row = await db
        .selectFrom('challenges')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('customerId', '=', customerId)
        .where('status', '=', 'dead')
        .where('createdAt', '>=', since)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

/**
 * verified → used, for exactly this customer, purpose and content, before expiry; one caller wins.
 * Exported so that an operation can consume its step-up inside its own transaction (a withdrawal
 * spends the challenge and moves the money together, or neither).
 */
export async function consumeVerifiedChallenge(
  // Kysely<any>: any database that has the challenges table
  db: Kysely<any>,
  id: string,
  match: { customerId: string; purpose: Purpose; contentHash: string; now: number },
): Promise<boolean> {
  // A database with more tables (a transaction over the money tables too) still has these: seen as
  // just the identity tables, the query keeps its column types.
  const result = await (db as unknown as Kysely<Database>)
    .updateTable('challenges')
    .set({ status: 'used', usedAt: match.now })
    .where('id', '=', id)
    .where('status', '=', 'verified')
    .where('customerId', '=', match.customerId)
    .where('purpose', '=', match.purpose)
    .where('contentHash', '=', match.contentHash)
    .where('expiresAt', '>', match.now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
