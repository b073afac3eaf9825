import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { FactorStore, PasskeyRecord } from '../domain/kernel/factor-store.js';
import type { KnownDeviceFacts } from '../domain/kernel/store.js';
import type { FactorTables, PasskeysTable } from './factors-schema.js';
import type { Database } from './schema.js';
import { inTransaction } from './transaction.js';

/**
 * A customer's known device by its hash: when it last signed in, and since when it is trusted (its trust's
 * last renewal, or its first sign-in). The factors' `isKnownDevice` and `deviceLastSeen` in one read, and a
 * subquery of the password sign-in's lookup (customers-repo.ts); a null hash matches nothing.
 */
export function knownDeviceOf(customerId: string | RawBuilder<unknown>, deviceHash: string | null) {
  return sql<{ lastSeenAt: number | string; trustedSince: number | string }>`select last_seen_at, coalesce(trusted_at, first_seen_at) as trusted_since from known_devices where customer_id = ${customerId} and device_hash = ${deviceHash}`;
}

export const toDeviceFacts = (row: { lastSeenAt: number | string; trustedSince: number | string } | undefined): KnownDeviceFacts | undefined =>
  row === undefined ? undefined : { lastSeenAt: Number(row.lastSeenAt), trustedSince: Number(row.trustedSince) };

function toPasskey(row: Selectable<PasskeysTable>): PasskeyRecord {
  return {
    ...row,
    counter: Number(row.counter),
    transports: JSON.parse(row.transports) as string[],
    backedUp: row.backedUp === 1,
    createdAt: Number(row.createdAt),
    lastUsedAt: row.lastUsedAt === null ? null : Number(row.lastUsedAt),
  };
}

const changed = (result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }) => Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n) === 1;

export function createFactorRepo(base: Kysely<Database>): FactorStore {
  const db = base.withTables<FactorTables>();
  return {
    async findTotp(customerId) {
      const row = await db.selectFrom('totpFactors').selectAll().where('customerId', '=', customerId).executeTakeFirst();
      return row && { customerId, secretEnc: row.secretEnc, pendingEnc: row.pendingEnc, lastStep: row.lastStep === null ? null : Number(row.lastStep), confirmedAt: row.confirmedAt };
    },
    async saveTotpPending(customerId, pendingEnc, now) {
      await db
        .insertInto('totpFactors')
        .values({ customerId, secretEnc: null, pendingEnc, lastStep: null, confirmedAt: null, updatedAt: now })
        .onConflict((oc) => oc.column('customerId').doUpdateSet({ pendingEnc, updatedAt: now }))
        .execute();
    },
    async confirmTotp(customerId, pendingEnc, step, now) {
      const result = await db
        .updateTable('totpFactors')
        .set({ secretEnc: pendingEnc, pendingEnc: null, lastStep: step, confirmedAt: now, updatedAt: now })
        .where('customerId', '=', customerId)
        .where('pendingEnc', '=', pendingEnc)
        .executeTakeFirst();
      return changed(result);
    },
    async useTotpStep(customerId, step) {
      // One statement decides: two requests with the same code cannot both pass.
      const result = await db
        .updateTable('totpFactors')
        .set({ lastStep: step })
        .where('customerId', '=', customerId)
        .where('secretEnc', 'is not', null)
        .where((eb) => eb.or([eb('lastStep', 'is', null), eb('lastStep', '<', step)]))
        .executeTakeFirst();
      return changed(result);
    },
    async deleteTotp(customerId) {
      await db.deleteFrom('totpFactors').where('customerId', '=', customerId).execute();
    },

    async insertPasskey(p) {
      await db
        .insertInto('passkeys')
        .values({ ...p, transports: JSON.stringify(p.transports), backedUp: p.backedUp ? 1 : 0 })
        .execute();
    },
    async findPasskey(id) {
      const row = await db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPasskey(row);
    },
    async listPasskeys(customerId) {
      const rows = await db.selectFrom('passkeys').selectAll().where('customerId', '=', customerId).orderBy('createdAt').execute();
      return rows.map(toPasskey);
    },
    async updatePasskeyCounter(id, expected, next, now) {
      const result = await db.updateTable('passkeys').set({ counter: next, lastUsedAt: now }).where('id', '=', id).where('counter', '=', expected).executeTakeFirst();
      return changed(result);
    },
    async deletePasskey(customerId, id) {
      const result = await db.deleteFrom('passkeys').where('customerId', '=', customerId).where('id', '=', id).executeTakeFirst();
      return changed(result);
    },

    async replaceRecoveryCodes(customerId, hashes, now) {
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom('recoveryCodes').where('customerId', '=', customerId).execute();
        await trx
          .insertInto('recoveryCodes')
          .values(hashes.map((codeHash) => ({ customerId, codeHash, createdAt: now, usedAt: null })))
          .execute();
      });
    },
    async useRecoveryCode(customerId, hash, now) {
      const result = await db
        .updateTable('recoveryCodes')
        .set({ usedAt: now })
        .where('customerId', '=', customerId)
        .where('codeHash', '=', hash)
        .where('usedAt', 'is', null)
        .executeTakeFirst();
      return changed(result);
    },
    async factorFacts(customerId) {
      // One statement, the same on both databases: a row per fact, a passkey a row.
      const { rows } = await sql<{ kind: string; n: number | string | null; at: number | string | null }>`
        select 'totp' as kind, case when secret_enc is null then 0 else 1 end as n, null as at from totp_factors where customer_id = ${customerId}
        union all
        select 'passkey', 1, created_at from passkeys where customer_id = ${customerId}
        union all
        select 'codes', count(*), count(case when used_at is null then 1 end) from recovery_codes where customer_id = ${customerId}`.execute(base);
      const facts = { totp: false, passkeysCreatedAt: [] as number[], recoveryCodes: { remaining: 0, total: 0 } };
      for (const row of rows) {
        if (row.kind === 'totp') facts.totp = Number(row.n) === 1;
        else if (row.kind === 'passkey') facts.passkeysCreatedAt.push(Number(row.at));
        else facts.recoveryCodes = { total: Number(row.n ?? 0), remaining: Number(row.at ?? 0) };
      }
      facts.passkeysCreatedAt.sort((a, b) => a - b);
      return facts;
    },
    async countRecoveryCodes(customerId) {
      const row = await db
        .selectFrom('recoveryCodes')
        .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('codeHash').filterWhere('usedAt', 'is', null).as('remaining')])
        .where('customerId', '=', customerId)
        .executeTakeFirstOrThrow();
      return { remaining: Number(row.remaining), total: Number(row.total) };
    },

    async insertWebAuthnChallenge(record, now) {
      // Expired challenges are swept as new ones come: the table holds minutes of traffic at most.
      await db.deleteFrom('webauthnChallenges').where('expiresAt', '<=', now).execute();
      await db.insertInto('webauthnChallenges').values(record).execute();
    },
    async consumeWebAuthnChallenge(challenge, purpose, customerId, now) {
      const result = await db
        .deleteFrom('webauthnChallenges')
        .where('challenge', '=', challenge)
        .where('purpose', '=', purpose)
        .where((eb) => (customerId === null ? eb('customerId', 'is', null) : eb('customerId', '=', customerId)))
        .where('expiresAt', '>', now)
        .executeTakeFirst();
      return changed(result);
    },

    async deleteAllFactors(customerId) {
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom('totpFactors').where('customerId', '=', customerId).execute();
        await trx.deleteFrom('passkeys').where('customerId', '=', customerId).execute();
        await trx.deleteFrom('recoveryCodes').where('customerId', '=', customerId).execute();
      });
    },
    async isKnownDevice(customerId, deviceHash, trustedSince) {
      const device = toDeviceFacts((await knownDeviceOf(customerId, deviceHash).execute(db)).rows[0]);
      return device !== undefined && (trustedSince === undefined || device.trustedSince >= trustedSince);
    },
    async deviceLastSeen(customerId, deviceHash) {
      return toDeviceFacts((await knownDeviceOf(customerId, deviceHash).execute(db)).rows[0])?.lastSeenAt;
    },
    async rememberDevice(customerId, deviceHash, now, device) {
      const seen = { lastSeenAt: now, ...(device ? { userAgent: device.userAgent, address: device.address } : {}) };
      await db
        .insertInto('knownDevices')
        .values({ customerId, deviceHash, firstSeenAt: now, trustedAt: now, userAgent: device?.userAgent ?? null, address: device?.address ?? null, lastSeenAt: now })
        .onConflict((oc) => oc.columns(['customerId', 'deviceHash']).doUpdateSet(device?.renewTrust ? { ...seen, trustedAt: now } : seen))
        .execute();
    },
    async listDevices(customerId) {
      const rows = await db.selectFrom('knownDevices').selectAll().where('customerId', '=', customerId).orderBy('lastSeenAt', 'desc').limit(100).execute();
      return rows.map((row) => ({
        deviceHash: row.deviceHash,
        firstSeenAt: Number(row.firstSeenAt),
        lastSeenAt: Number(row.lastSeenAt),
        trustedAt: Number(row.trustedAt ?? row.firstSeenAt),
        userAgent: row.userAgent,
        address: row.address,
      }));
    },
    async forgetDevices(customerId, deviceHash) {
      let query = db.deleteFrom('knownDevices').where('customerId', '=', customerId);
      if (deviceHash !== undefined) query = query.where('deviceHash', '=', deviceHash);
      return Number((await query.executeTakeFirst()).numDeletedRows);
    },
  };
}
