import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { dialect, postgresUrl } from '../support/harness.js';

// A database that server processes can share: a temporary SQLite file, or a fresh PostgreSQL
// database (a search_path schema cannot be handed to a child process through its URL).

export interface ProcessDatabase {
  url: string;
  /** The test's own connection, to read the ledger behind the servers' backs. */
  open(): DatabaseHandle;
  drop(): Promise<void>;
}

export async function freshProcessDatabase(): Promise<ProcessDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kabuto-money-'));
    return { url: join(dir, 'kabuto.db'), open: () => openDatabase(join(dir, 'kabuto.db')), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  await dropStaleDatabases();
  // Named after its creation time, so a run that died leaves nothing a later run does not drop.
  const name = `kabuto_money_${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    open: () => openDatabase(url.toString(), { poolSize: 2 }),
    drop: async () => void (await admin(`drop database if exists ${name} with (force)`)),
  };
}

async function admin(statement: string): Promise<Array<Record<string, string>>> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return (await client.query(statement)).rows;
  } finally {
    await client.end();
  }
}

/** Databases of runs that died more than an hour ago; those of a run going on now are left alone. */
async function dropStaleDatabases(): Promise<void> {
  const rows = await admin("select datname from pg_database where datname like 'kabuto\\_money\\_%'");
  const hourAgo = Date.now() / 1000 - 3600;
  for (const { datname } of rows) {
    const created = parseInt(datname!.split('_')[2] ?? '', 36);
    if (Number.isFinite(created) && created < hourAgo) await admin(`drop database if exists ${datname} with (force)`);
  }
}
