import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { HttpClient, type HttpResponse } from '../support/http-client.js';
import { ADMIN_TOKEN, postgresUrl, TEST_SECRET } from '../support/harness.js';

// Real `kabuto serve` processes on one PostgreSQL schema, and a client that spreads one browser's
// requests (one cookie jar) across them as a load balancer would.

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  output(): string;
}

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
export async function startServe(database: string | Record<string, string>): Promise<ServeProcess> {
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    KABUTO_HOST: '127.0.0.1',
    // Port 0: the kernel picks a free port and the log line tells it; no race for a "free" port.
    KABUTO_PORT: '0',
    ...(typeof database === 'string' ? { KABUTO_DATABASE_URL: postgresUrl, KABUTO_DATABASE_SCHEMA: database } : database),
    KABUTO_DATABASE_POOL_SIZE: '4',
    KABUTO_SECRET: TEST_SECRET,
    KABUTO_ADMIN_TOKEN: ADMIN_TOKEN,
    KABUTO_DEV_OUTBOX: '1',
    KABUTO_SEED_DEMO: '0',
    KABUTO_LOG_LEVEL: 'info',
    KABUTO_WEB_ROOT: '/nonexistent',
  };
  const child = spawn('node', ['bin/kabuto.mjs', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // Always drained: a full pipe would block the child's writes.
  child.stderr!.on('data', (chunk) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk.toString();
      const match = output.match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`kabuto serve exited (${code}):\n${output}`)));
  });
  await waitReady(url);
  return { url, child, output: () => output };
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not accepting yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}/readyz never answered 200`);
}

export async function stopServe(process: ServeProcess): Promise<number | null> {
  if (process.child.exitCode !== null) return process.child.exitCode;
  const exited = new Promise<number | null>((resolve) => process.child.on('exit', (code) => resolve(code)));
  process.child.kill('SIGTERM');
  return exited;
}

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
