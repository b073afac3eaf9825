import type { Kysely, Selectable } from 'kysely';
import type { CustomerStore } from '../domain/kernel/store.js';
import type { BankAccount, CustomerRecord, MfaMethod, MfaScope, PhoneType } from '../domain/kernel/types.js';
import type { CustomersTable, Database } from './schema.js';

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

export function createCustomerRepo(db: Kysely<Database>): CustomerStore {
  return {
    async findByLoginId(loginId) {
      const row = await db.selectFrom('customers').selectAll().where('loginId', '=', loginId).executeTakeFirst();
      return row && toRecord(row);
    },
    async findById(id) {
      const row = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
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
      await db.updateTable('customers').set(toRow(patch)).where('id', '=', id).execute();
    },
    async reserveLoginAttempt(id, threshold, now) {
      return db
        .updateTable('customers')
        .set((eb) => ({ failedLogins: eb('failedLogins', '+', 1) }))
        .where('id', '=', id)
        .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', now)]))
        .where('failedLogins', '<', threshold)
        .returning(['failedLogins', 'lockCount'])
        .executeTakeFirst();
    },
    async giveBackLoginAttempt(id) {
      await db
        .updateTable('customers')
        .set((eb) => ({ failedLogins: eb('failedLogins', '-', 1) }))
        .where('id', '=', id)
        .where('failedLogins', '>', 0)
        .execute();
    },
    async countLoginFailure(id) {
      const row = await db
        .updateTable('customers')
        .set((eb) => ({ failedLogins: eb('failedLogins', '+', 1) }))
        .where('id', '=', id)
        .returning(['failedLogins', 'lockCount'])
        .executeTakeFirstOrThrow();
      return row;
    },
    async lockLogin(id, threshold, expectedLockCount, until) {
      const result = await db
        .updateTable('customers')
        .set((eb) => ({ failedLogins: 0, lockCount: eb('lockCount', '+', 1), lockedUntil: until }))
        .where('id', '=', id)
        .where('failedLogins', '>=', threshold)
        .where('lockCount', '=', expectedLockCount)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async resetLoginFailures(id) {
      await db.updateTable('customers').set({ failedLogins: 0, lockCount: 0, lockedUntil: null }).where('id', '=', id).execute();
    },
    async countTradingFailure(id) {
      const row = await db
        .updateTable('customers')
        .set((eb) => ({ tradingFailures: eb('tradingFailures', '+', 1) }))
        .where('id', '=', id)
        .returning(['tradingFailures'])
        .executeTakeFirstOrThrow();
      return row.tradingFailures;
    },
    async lockTrading(id, threshold, until) {
      const result = await db
        .updateTable('customers')
        .set({ tradingFailures: 0, tradingLockedUntil: until })
        .where('id', '=', id)
        .where('tradingFailures', '>=', threshold)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async resetTradingFailures(id) {
      await db.updateTable('customers').set({ tradingFailures: 0, tradingLockedUntil: null }).where('id', '=', id).execute();
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
