import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, beforeEach } from 'vitest';
import { dialect, postgresUrl, TEST_SECRET, type TestServer, useTestServer } from '../support/harness.js';

const run = promisify(execFile);

/**
 * The server fixture for tests that run a `kabuto` child process beside the server: a fresh server for
 * each test whose database the child can open too (a SQLite file, not memory, or the server's own
 * PostgreSQL schema). `cliEnv()` is the child's environment for the current test's database, `dir()`
 * a directory of the test's own, removed after it.
 */
export function useSharedServer(): { server: TestServer; cliEnv(): Promise<NodeJS.ProcessEnv>; dir(): string } {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kabuto-ops-'));
  });
  // Registered before the server's own hooks, so it runs after the server has closed.
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const server = useTestServer(() => (dialect === 'sqlite' ? { env: { KABUTO_DATABASE_URL: join(dir, 'kabuto.db') } } : {}));
  async function cliEnv(): Promise<NodeJS.ProcessEnv> {
    let database: Record<string, string> = { KABUTO_DATABASE_URL: join(dir, 'kabuto.db') };
    if (dialect === 'postgres') {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(server.kabuto.database.db);
      database = { KABUTO_DATABASE_URL: postgresUrl, KABUTO_DATABASE_SCHEMA: rows[0]!.schema };
    }
    return { ...process.env, NODE_ENV: 'test', KABUTO_SECRET: TEST_SECRET, ...database };
  }
  return { server, cliEnv, dir: () => dir };
}

export function kabutoCli(env: NodeJS.ProcessEnv, ...args: string[]) {
  return run('node', ['bin/kabuto.mjs', ...args], { env, timeout: 60_000 });
}
