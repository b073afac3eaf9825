import { existsSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../config.js';
import { isPostgresUrl } from '../store/database.js';
import type { Command } from './main.js';

/** SQLite's online backup: a consistent copy page by page while the server keeps writing (WAL). */
export async function backupSqlite(source: string, destination: string): Promise<number> {
  const db = new SQLite(source, { fileMustExist: true });
  try {
    const { totalPages } = await db.backup(destination);
    return totalPages;
  } finally {
    db.close();
  }
}

const backup: Command = {
  summary: 'copy the SQLite database to a file while the server runs (PostgreSQL: use pg_dump)',
  usage:
    'kabuto backup FILE\n\nWrites a consistent copy of the SQLite database (KABUTO_DATABASE_URL) to FILE, which must not exist.\n' +
    'Restore: stop the server, replace the database file with the copy (and delete its -wal and -shm files), start.\n' +
    'PostgreSQL: pg_dump --format=custom (see the README).',
  async run(args) {
    const [file, ...extra] = args;
    if (!file || extra.length > 0) {
      console.error('kabuto backup: exactly one destination file is required');
      return 2;
    }
    const config = loadConfig();
    if (isPostgresUrl(config.databaseUrl)) {
      console.error('kabuto backup: the database is PostgreSQL; back it up with pg_dump (see the README, "Backups")');
      return 2;
    }
    if (config.databaseUrl === ':memory:' || !existsSync(config.databaseUrl)) {
      console.error(`kabuto backup: no SQLite database at ${config.databaseUrl}`);
      return 2;
    }
    // Never overwrite: the file may be the last good backup.
    if (existsSync(file)) {
      console.error(`kabuto backup: ${file} exists; choose a new file`);
      return 2;
    }
    const pages = await backupSqlite(config.databaseUrl, file);
    console.log(`backed up ${config.databaseUrl} to ${file} (${pages} pages)`);
    return 0;
  },
};

export const commands: Record<string, Command> = { backup };
