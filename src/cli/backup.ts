import { closeSync, existsSync, fsyncSync, linkSync, openSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../config.js';
import { isPostgresUrl } from '../store/database.js';
import type { Command } from './command.js';

/**
 * A consistent copy of a live SQLite database, never a partial file under the final name:
 *   1. `VACUUM INTO` a temporary name beside the destination: one read transaction, so it sees one
 *      snapshot and finishes however much the server writes meanwhile (WAL: writers are not blocked;
 *      the online backup API restarted on every write and never finished under load);
 *   2. `PRAGMA integrity_check` on the copy;
 *   3. fsync, then hard-link it to the final name (fails if that exists: no overwrite, no race) and
 *      remove the temporary name. A backup killed at any point leaves at most a `.…partial-…` file.
 */
export async function backupSqlite(source: string, destination: string): Promise<{ bytes: number; temp: string }> {
  const temp = join(dirname(destination), `.${basename(destination)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  const removeTemp = () => {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  };
  // Killed by a signal mid-copy: the temporary file goes too.
  const onSignal = () => {
    removeTemp();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const db = new SQLite(source, { fileMustExist: true, readonly: true });
    try {
      db.pragma('busy_timeout = 10000');
      db.prepare('VACUUM INTO ?').run(temp);
    } finally {
      db.close();
    }
    const copy = new SQLite(temp, { fileMustExist: true, readonly: true });
    let check: unknown;
    try {
      check = copy.pragma('integrity_check', { simple: true });
    } finally {
      copy.close();
    }
    if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${String(check)}`);
    const fd = openSync(temp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, destination);
    removeTemp();
    syncDirectory(dirname(destination));
    const size = statSync(destination).size;
    return { bytes: size, temp };
  } catch (error) {
    removeTemp();
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The rename itself survives a power cut only once the directory is synced. */
function syncDirectory(directory: string): void {
  try {
    const fd = openSync(directory, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse to sync a directory; the file itself is synced.
  }
}

const backup: Command = {
  summary: 'copy the SQLite database to a file while the server runs (PostgreSQL: use pg_dump)',
  usage:
    'kabuto backup FILE\n\nWrites a consistent, integrity-checked copy of the SQLite database (KABUTO_DATABASE_URL) to FILE,\n' +
    'which must not exist. The copy is made under a temporary name and appears under FILE only when complete.\n' +
    'Restore (docs/operations.md, "Backups and restore"): stop the server, copy FILE over the database file,\n' +
    'delete its -wal and -shm files, run `kabuto audit verify`, start.\n' +
    'PostgreSQL: pg_dump --format=custom (docs/operations.md).',
  async run(args) {
    const [file, ...extra] = args;
    if (!file || extra.length > 0) {
      console.error('kabuto backup: exactly one destination file is required');
      return 2;
    }
    const config = loadConfig();
    if (isPostgresUrl(config.databaseUrl)) {
      console.error('kabuto backup: the database is PostgreSQL; back it up with pg_dump (docs/operations.md, "Backups and restore")');
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
    const started = Date.now();
    try {
      const { bytes } = await backupSqlite(config.databaseUrl, file);
      console.log(`backed up ${config.databaseUrl} to ${file} (${bytes} bytes, integrity ok, ${Date.now() - started} ms)`);
      return 0;
    } catch (error) {
      console.error(`kabuto backup: ${(error as Error).message}`);
      return 1;
    }
  },
};

export const commands: Record<string, Command> = { backup };
