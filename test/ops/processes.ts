import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { HttpClient, type HttpResponse } from '../support/http-client.js';
import { ADMIN_TOKEN, describeOn, postgresUrl } from '../support/harness.js';
import { spawnServe, stopServe, type ServeProcess } from '../support/serve-process.js';

// Real `kabuto serve` processes on one PostgreSQL schema, and a client that spreads one browser's
// requests (one cookie jar) across them as a load balancer would.

export async function freshSchema(): Promise<string> {
  // Named like the harness's schemas, so test/support/global-setup.ts drops it after the run.
  const schema = `t_${process.env.KABUTO_TEST_RUN_ID ?? '0_manual'}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return schema;
}

/** A PostgreSQL schema name, or the environment naming another database (a SQLite file). */
export function startServe(database: string | Record<string, string>): Promise<ServeProcess> {
  return spawnServe(typeof database === 'string' ? { KABUTO_DATABASE_URL: postgresUrl, KABUTO_DATABASE_SCHEMA: database } : database);
}

export { stopServe, type ServeProcess };

/** One browser behind a round-robin balancer: request n goes to process n mod N, with one cookie jar. */
export class SpreadClient {
  private readonly clients: HttpClient[];
  private next = 0;
  readonly cookies = new Map<string, string>();

  constructor(urls: string[]) {
    this.clients = urls.map((url) => new HttpClient(url));
  }

  /** The process the next request goes to (or the one named). */
  async request<T = any>(method: string, path: string, body?: unknown, on?: number): Promise<HttpResponse<T> & { process: number }> {
    const index = on ?? this.next++ % this.clients.length;
    const client = this.clients[index]!;
    client.cookies.clear();
    for (const [k, v] of this.cookies) client.cookies.set(k, v);
    const response = await client.request<T>(method, path, body);
    this.cookies.clear();
    for (const [k, v] of client.cookies) this.cookies.set(k, v);
    return { ...response, process: index };
  }
}

/** `count` processes on a fresh PostgreSQL schema, started together as an orchestrator would (their migrations race). */
export async function startOnPostgres(count: number): Promise<ServeProcess[]> {
  const schema = await freshSchema();
  return Promise.all(Array.from({ length: count }, () => startServe(schema)));
}

const sqliteDirs = new WeakMap<ServeProcess[], string>();

/**
 * Two processes on one SQLite file in a fresh directory, one after the other as a rolling restart starts
 * them (the second finds the schema migrated).
 */
export async function startOnSqliteFile(): Promise<ServeProcess[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kabuto-rolling-'));
  const database = { KABUTO_DATABASE_URL: join(dir, 'kabuto.db') };
  const first = await startServe(database);
  const processes = [first, await startServe(database)];
  sqliteDirs.set(processes, dir);
  return processes;
}

/** Stops every process (each must exit 0) and removes their SQLite file's directory. */
export async function stopAll(processes: ServeProcess[]): Promise<void> {
  expect(await Promise.all(processes.map((serve) => stopServe(serve)))).toEqual(processes.map(() => 0));
  const dir = sqliteDirs.get(processes);
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * The same scenarios against two server processes on one PostgreSQL database, or on one SQLite file (the
 * run's database decides which block runs). The array returned holds the running processes while the
 * scenarios' tests run.
 */
export function describeAcrossProcesses(what: string, scenarios: () => void): ServeProcess[] {
  const processes: ServeProcess[] = [];
  const block = (start: () => Promise<ServeProcess[]>) => () => {
    // stopAll finds a SQLite file's directory by the array startOnSqliteFile returned: that one is stopped.
    let started: ServeProcess[] = [];
    beforeAll(async () => {
      started = await start();
      processes.splice(0, processes.length, ...started);
    }, 90_000);
    afterAll(async () => {
      processes.splice(0);
      await stopAll(started);
    });
    scenarios();
  };
  describeOn('postgres', `${what} across two processes on one PostgreSQL database`, block(() => startOnPostgres(2)));
  describeOn('sqlite', `${what} across two processes on one SQLite file`, block(startOnSqliteFile));
  return processes;
}

let accounts = 0;

/** A customer opened through the admin API of the process at `url`; `prefix` keeps suites' login IDs apart. */
export async function openAccountOn(url: string, prefix: string, extra: Record<string, unknown> = {}) {
  accounts += 1;
  const customer = {
    loginId: `${prefix}${process.pid}x${accounts}`,
    password: `correct horse battery ${prefix} ${accounts}`,
    tradingPassword: `trade-${prefix}-${accounts}`,
    phone: `080-${String(2000 + accounts).padStart(4, '0')}-${String(process.pid % 10000).padStart(4, '0')}`,
  };
  const admin = new HttpClient(url, { authorization: `Bearer ${ADMIN_TOKEN}` });
  const created = await admin.post('/api/admin/v1/customers', { ...customer, name: '多重 プロセス', email: `${customer.loginId}@example.jp`, ...extra });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return customer;
}
