import { loadConfig } from '../config.js';
import { MIGRATION_TIMEOUTS, migrateToLatest, openDatabase } from '../store/database.js';
import type { Command } from './command.js';

const migrate: Command = {
  summary: 'apply pending database migrations (the server also does at start)',
  usage: 'kabuto migrate\n\nUses KABUTO_DATABASE_URL (default ./data/kabuto.db).',
  async run() {
    const config = loadConfig();
    const handle = openDatabase(config.databaseUrl, { poolSize: 1, schema: config.databaseSchema, ...MIGRATION_TIMEOUTS });
    try {
      const applied = await migrateToLatest(handle.db, handle.dialect === 'postgres' ? config.databaseSchema : undefined);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return 0;
    } finally {
      await handle.close();
    }
  },
};

export const commands: Record<string, Command> = { migrate };
