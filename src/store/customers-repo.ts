import { sql, type Kysely, type Selectable } from 'kysely';
import { forget, type SessionCache, type SessionRevocation } from '../domain/kernel/session-cache.js';
import type { CustomerStore } from '../domain/kernel/store.js';
import type { BankAccount, CustomerRecord, MfaMethod, MfaScope, PhoneType } from '../domain/kernel/types.js';
import type { Dialect } from './database.js';
import type { CustomersTable, Database } from './schema.js';
import { REVOCATION_CHANNEL, revocationPayload } from './sessions-repo.js';
import { UNREAD } from './pg-batch.js';
import { lastSignInsOf, toSignIns } from './events-repos.js';
import { knownDeviceOf, toDeviceFacts } from './factors-repo.js';

function toRecord(row: Selectable<CustomersTable>): CustomerRecord {
  return {
    ...row,
    phoneType: row.phoneType as PhoneType | null,
    phoneVerified: row.phoneVerified === 1,
    mfaMethod: row.mfaMethod as MfaMethod,
    mfaScope: row.mfaScope as MfaScope,
    factorLocked: row.factorLocked === 1,
    bankAccount: row.bankAccount ? (JSON.parse(row.bankAccount) as BankAccount) : null,
  };
}

function toRow(patch: Partial<CustomerRecord>): Partial<CustomersTable> {
  const { phoneVerified, factorLocked, bankAccount, ...rest } = patch;
  const row: Partial<CustomersTable> = { ...rest };
  if (phoneVerified !== undefined) row.phoneVerified = phoneVerified ? 1 : 0;
  if (factorLocked !== undefined) row.factorLocked = factorLocked ? 1 : 0;
  if (bankAccount !== undefined) row.bankAccount = bankAccount ? JSON.stringify(bankAccount) : null;
  return row;
}

export interface CustomerRepoOptions {
  dialect: Dialect;
  /** The process's session cache: it keeps the customers of the sessions it serves (findForSession). */
  cache?: SessionCache;
  /** Set when the repository was built on a store transaction: what to forget again once it commits. */
  committed?: SessionRevocation[];
  /** Called before every read served from the cache (SQLite: empties it when another process committed). */
  beforeCachedRead?: () => void;
}

/**
 * The customers table. EVERY write of a customer's row (here, and the credential version in
 * sessions-repo.ts) makes every instance forget its cached copy of the customer and the customer's
 * sessions: this process's cache after the write (and again after the store transaction commits),
 * and on PostgreSQL every instance's by `pg_notify` in the write's own statement (`RETURNING
 * pg_notify(...)`: no extra round trip, delivered when the statement's transaction commits, and only
 * when a row was written). A signed-in request's customer (`findForSession`) is then never older than
 * the last write this instance has heard of; within the cache's copy life (2 s) at worst if a notice
 * is lost, and the listener suspends the cache when its connection is in doubt.
 */
export function createCustomerRepo(db: Kysely<Database>, options: CustomerRepoOptions): CustomerStore {
  const { cache } = options;
  // The expression every write returns: the notice on PostgreSQL (sent for each row written), nothing on SQLite.
  const notice = (id: string) =>
    (options.dialect === 'postgres' ? sql<null>`pg_notify(${REVOCATION_CHANNEL}, ${revocationPayload({ customer: id })})` : sql<null>`null`).as('notified');
  const changed = (id: string) => {
    if (cache) forget(cache, { customer: id });
    options.committed?.push({ customer: id });
  };
  const findById = async (id: string) => {
    const row = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  };
  const reserveLoginAttempt = async (id: string, threshold: number, now: number) => {
    const row = await db
      .updateTable('customers')
      .set((eb) => ({ failedLogins: eb('failedLogins', '+', 1) }))
      .where('id', '=', id)
      .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', now)]))
      .where('failedLogins', '<', threshold)
      .returning(['failedLogins', 'lockCount', notice(id)])
      .executeTakeFirst();
    if (!row) return undefined;
    changed(id);
    return { failedLogins: row.failedLogins, lockCount: row.lockCount };
  };
  return {
    async findByLoginId(loginId) {
      const row = await db.selectFrom('customers').selectAll().where('loginId', '=', loginId).executeTakeFirst();
      return row && toRecord(row);
    },
    findById,
    async findForSession(id) {
      // Inside a transaction the database answers: it sees the transaction's own writes.
      if (!cache || db.isTransaction) return findById(id);
      options.beforeCachedRead?.();
      const cached = cache.getCustomer(id);
      if (cached) return cached;
      const mark = cache.mark();
      const found = await findById(id);
      if (found) cache.setCustomer(found, mark);
      return found;
    },
    async insert(customer) {
      const result = await db
        .insertInto('customers')
        .values(toRow(customer) as CustomersTable)
        // Any unique index: the login ID itself, or the same ID in another letter case.
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async update(id, patch) {
      await db.updateTable('customers').set(toRow(patch)).where('id', '=', id).returning(notice(id)).execute();
      changed(id);
    },
    async signInLookup(loginId, { threshold, now }, lastSignIns, deviceHash) {
      if (options.dialect === 'sqlite') {
        const found = await db.selectFrom('customers').selectAll().where('loginId', '=', loginId).executeTakeFirst();
        const customer = found && toRecord(found);
        // An unknown ID runs the same reservation, matching no row.
        const reserved = await reserveLoginAttempt(customer?.id ?? '', threshold, now);
        if (!customer) return { customer, reserved, signInFrozenSince: null, lastSignIns: [], device: undefined, noticeOnEverySignIn: false };
        const freeze = await sql<{ signInAt: number | null }>`select sign_in_at from account_freezes where customer_id = ${customer.id}`.execute(db);
        const history = await lastSignInsOf(customer.id, lastSignIns).execute(db);
        const device = deviceHash === undefined ? [] : (await knownDeviceOf(customer.id, deviceHash).execute(db)).rows;
        // The setting counts for a known device only: read when there is one.
        const everySignIn = device.length === 0 ? { rows: [] } : await sql<{ everySignIn: number }>`select every_sign_in from notice_preferences where customer_id = ${customer.id}`.execute(db);
        return {
          customer,
          reserved,
          signInFrozenSince: freeze.rows[0]?.signInAt ?? null,
          lastSignIns: toSignIns(history.rows),
          device: toDeviceFacts(device[0]),
          noticeOnEverySignIn: Number(everySignIn.rows[0]?.everySignIn ?? 0) === 1,
        };
      }
      // PostgreSQL: one statement. The reservation is the same conditional UPDATE as reserveLoginAttempt's,
      // on the row the lookup found (its notice from its own RETURNING); the customer as read before it.
      const { rows } = await sql<
        Selectable<CustomersTable> & {
          reservedFailedLogins: number | null;
          reservedLockCount: number | null;
          signInFrozenSince: number | null;
          lastSignIns: Array<[string, number]>;
          device: [number, number] | null;
          everySignIn: number | null;
        }
      >`
        with found as (select * from customers where login_id = ${loginId}),
        reserved as (
          update customers set failed_logins = failed_logins + 1
          where id = (select id from found) and (locked_until is null or locked_until <= ${now}) and failed_logins < ${threshold}
          returning failed_logins, lock_count, pg_notify(${REVOCATION_CHANNEL}, ${revocationPayload({ customer: '' })} || id)
        )
        select found.*, reserved.failed_logins as reserved_failed_logins, reserved.lock_count as reserved_lock_count,
          (select sign_in_at from account_freezes where customer_id = found.id) as sign_in_frozen_since,
          (select coalesce(json_agg(json_build_array(h.address, h.at)), '[]'::json) from (${lastSignInsOf(sql.raw('found.id'), lastSignIns)}) h) as last_sign_ins,
          (select json_build_array(d.last_seen_at, d.trusted_since) from (${knownDeviceOf(sql.raw('found.id'), deviceHash ?? null)}) d) as device,
          (select every_sign_in from notice_preferences where customer_id = found.id) as every_sign_in
        from found left join reserved on true`.execute(db);
      const row = rows[0];
      if (!row) return { customer: undefined, reserved: undefined, signInFrozenSince: null, lastSignIns: [], device: undefined, noticeOnEverySignIn: false };
      const { reservedFailedLogins, reservedLockCount, signInFrozenSince, lastSignIns: history, device, everySignIn, ...customer } = row;
      if (reservedFailedLogins !== null) changed(customer.id);
      return {
        customer: toRecord(customer),
        reserved: reservedFailedLogins === null || reservedLockCount === null ? undefined : { failedLogins: reservedFailedLogins, lockCount: reservedLockCount },
        signInFrozenSince,
        lastSignIns: toSignIns(history.map(([address, at]) => ({ address, at }))),
        device: toDeviceFacts(device ? { lastSeenAt: device[0], trustedSince: device[1] } : undefined),
        noticeOnEverySignIn: Number(everySignIn ?? 0) === 1,
      };
    },
    reserveLoginAttempt,
    async giveBackLoginAttempt(id) {
      await db
        .updateTable('customers')
        .set((eb) => ({ failedLogins: eb('failedLogins', '-', 1) }))
        .where('id', '=', id)
        .where('failedLogins', '>', 0)
        .returning(notice(id))
        .execute();
      changed(id);
    },
    async countLoginFailure(id) {
      const row = await db
        .updateTable('customers')
        .set((eb) => ({ failedLogins: eb('failedLogins', '+', 1) }))
        .where('id', '=', id)
        .returning(['failedLogins', 'lockCount', notice(id)])
        .executeTakeFirstOrThrow();
      changed(id);
      return { failedLogins: row.failedLogins, lockCount: row.lockCount };
    },
    async lockLogin(id, threshold, expectedLockCount, until) {
      const row = await db
        .updateTable('customers')
        .set((eb) => ({ failedLogins: 0, lockCount: eb('lockCount', '+', 1), lockedUntil: until }))
        .where('id', '=', id)
        .where('failedLogins', '>=', threshold)
        .where('lockCount', '=', expectedLockCount)
        .returning(notice(id))
        .executeTakeFirst();
      changed(id);
      return row !== undefined;
    },
    async resetLoginFailures(id) {
      // Nobody reads its answer: in a transaction it travels with the next statement (pg-batch.ts).
      await db.updateTable('customers').set({ failedLogins: 0, lockCount: 0, lockedUntil: null }).where('id', '=', id).returning(notice(id)).modifyEnd(sql.raw(UNREAD)).execute();
      changed(id);
    },
    async countTradingFailure(id) {
      const row = await db
        .updateTable('customers')
        .set((eb) => ({ tradingFailures: eb('tradingFailures', '+', 1) }))
        .where('id', '=', id)
        .returning(['tradingFailures', notice(id)])
        .executeTakeFirstOrThrow();
      changed(id);
      return row.tradingFailures;
    },
    async lockTrading(id, threshold, until) {
      const row = await db
        .updateTable('customers')
        .set({ tradingFailures: 0, tradingLockedUntil: until })
        .where('id', '=', id)
        .where('tradingFailures', '>=', threshold)
        .returning(notice(id))
        .executeTakeFirst();
      changed(id);
      return row !== undefined;
    },
    async resetTradingFailures(id) {
      await db.updateTable('customers').set({ tradingFailures: 0, tradingLockedUntil: null }).where('id', '=', id).returning(notice(id)).execute();
      changed(id);
    },
    async recordReplacedContact(customerId, contact) {
      await db.insertInto('replacedContacts').values({ customerId, kind: contact.kind, value: contact.value, phoneType: contact.phoneType, replacedAt: contact.replacedAt }).execute();
    },
    async replacedContactsSince(customerId, since) {
      const rows = await db
        .selectFrom('replacedContacts')
        .selectAll()
        .where('customerId', '=', customerId)
        .where('replacedAt', '>=', since)
        .orderBy('replacedAt', 'desc')
        .limit(100)
        .execute();
      return rows.map((r) => ({ kind: r.kind as 'email' | 'phone', value: r.value, phoneType: r.phoneType as PhoneType | null, replacedAt: Number(r.replacedAt) }));
    },
  };
}
