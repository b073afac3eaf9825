import { describe, expect, it } from 'vitest';
import { Migrator } from 'kysely';
import { freshDatabase, useTestServers } from '../support/harness.js';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { migrationProvider } from '../../src/store/migrations/index.js';

// Issue 11 (also): login IDs that differ only by case must not both exist.

describe('login IDs in another letter case', () => {
  const servers = useTestServers();

  it('refuses a login ID that exists in another letter case with 409 login_id_taken', async () => {
    const server = await servers.start();
    const body = (loginId: string, n: number) => ({ loginId, name: 'テスト 顧客', email: `case${n}@example.jp`, password: `a perfectly fine passphrase ${n}`, tradingPassword: `trading-secret-${n}` });
    expect((await server.admin().post('/api/admin/v1/customers', body('Taro.Yamada', 1))).status).toBe(201);
    for (const [i, variant] of ['taro.yamada', 'TARO.YAMADA', 'Taro.Yamada'].entries()) {
      const again = await server.admin().post('/api/admin/v1/customers', body(variant, i + 2));
      expect(again.status, variant).toBe(409);
      expect(again.body.error).toBe('login_id_taken');
    }
    expect((await server.admin().post('/api/admin/v1/customers', body('taro.yamada2', 9))).status).toBe(201);
  });

  it('the migration refuses, with a clear message, a database that already holds such IDs', async () => {
    const database = await freshDatabase();
    const handle = openDatabase(database.url, { schema: database.schema });
    try {
      const migrator = new Migrator({ db: handle.db, provider: migrationProvider, ...(database.schema ? { migrationTableSchema: database.schema } : {}) });
      const upTo = await migrator.migrateTo('0004_reservations');
      expect(upTo.error).toBeUndefined();
      const row = (id: string, loginId: string) => ({
        id, loginId, name: 'x', email: 'x@example.jp', address: null, passwordHash: 'x', tradingPasswordHash: 'x', phone: null, phoneType: null, phoneVerified: 0,
        mfaMethod: 'none', mfaScope: 'login', failedLogins: 0, lockCount: 0, lockedUntil: null, tradingFailures: 0, tradingLockedUntil: null, factorLocked: 0,
        bankAccount: null, contactChangedAt: null, createdAt: 0, updatedAt: 0,
      });
      // The table as it stands at 0004 (later migrations add columns the typed schema requires).
      await handle.db.insertInto('customers').values([row('c1', 'Hanako'), row('c2', 'hanako')] as never).execute();
      await expect(migrateToLatest(handle.db, database.schema)).rejects.toThrow(/more than one letter case/);
    } finally {
      await handle.close();
    }
  });
});
