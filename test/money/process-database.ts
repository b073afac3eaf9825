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
  const name = `kabuto_money_${randomBytes(5).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    open: () => openDatabase(url.toString(), { poolSize: 2 }),
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
