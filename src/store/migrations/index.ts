import type { Migration, MigrationProvider } from 'kysely';
import * as identity from './0001_identity.js';

// Listed here rather than read from the folder: the same code runs from TypeScript sources and bundles.
const migrations: Record<string, Migration> = {
  '0001_identity': identity,
};

/** Later features add their migrations through this list, in name order. */
export function registerMigration(name: string, migration: Migration): void {
  migrations[name] = migration;
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...migrations };
  },
};
