import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { HttpClient, type HttpResponse } from '../support/http-client.js';
import { postgresUrl } from '../support/harness.js';
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
