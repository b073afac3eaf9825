import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { dialect, postgresUrl, startTestServer, TEST_SECRET, type TestServer } from '../support/harness.js';

const run = promisify(execFile);

/**
 * A test server whose database a `kabuto` child process can open too: a SQLite file (not memory),
 * or the server's own PostgreSQL schema.
 */
export async function startSharedServer(): Promise<{ server: TestServer; env: NodeJS.ProcessEnv; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kabuto-ops-'));
  const file = join(dir, 'kabuto.db');
  const server = await startTestServer(dialect === 'sqlite' ? { env: { KABUTO_DATABASE_URL: file } } : {});
  let database: Record<string, string> = { KABUTO_DATABASE_URL: file };
  if (dialect === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(server.kabuto.database.db);
    database = { KABUTO_DATABASE_URL: postgresUrl, KABUTO_DATABASE_SCHEMA: rows[0]!.schema };
  }
  const env = { ...process.env, NODE_ENV: 'test', KABUTO_SECRET: TEST_SECRET, ...database };
  return { server, env, dir };
}

export function kabutoCli(env: NodeJS.ProcessEnv, ...args: string[]) {
  return run('node', ['bin/kabuto.mjs', ...args], { env, timeout: 60_000 });
}
