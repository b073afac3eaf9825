import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createManualClock, type ManualClock } from '../../src/adapters/clock.js';
import { loadConfig } from '../../src/config.js';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import { createKabuto, type Kabuto, type KabutoOverrides } from '../../src/kabuto.js';
import { HttpClient } from './http-client.js';
import { leakedSecrets } from './known-secrets.js';

// Every API test runs the real app over real HTTP, on SQLite by default and on PostgreSQL with
// KABUTO_TEST_DIALECT=postgres (npm run test:pg): one suite, two databases.

export const dialect = process.env.KABUTO_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
export const postgresUrl = process.env.KABUTO_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const TEST_SECRET = 'a'.repeat(64);

/** Every log line any test server wrote, for the "no secret in the logs" check. */
export const collectedLogs: string[] = [];

export interface TestServerOptions {
  env?: Record<string, string>;
  overrides?: KabutoOverrides;
  /** Start the clock here (epoch ms). */
  startAt?: number;
  app?: AppOptions;
  /** Listen on this port (0, the default: any free one); a server that must know its own origin picks one first. */
  port?: number;
}

export interface TestServer {
  url: string;
  app: FastifyInstance;
  kabuto: Kabuto;
  clock: ManualClock;
  logs: string[];
  client(options?: { userAgent?: string; origin?: string }): HttpClient;
  admin(): HttpClient;
  close(): Promise<void>;
}

/** A fresh database: a new SQLite in memory, or a new PostgreSQL schema. */
export async function freshDatabase(): Promise<{ url: string; schema?: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite') return { url: ':memory:', drop: async () => {} };
  const schema = `t_${process.env.KABUTO_TEST_RUN_ID ?? '0_manual'}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  // Dropped by test/support/global-setup.ts after the run, not here (see there why).
  return { url: postgresUrl, schema, drop: async () => {} };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    KABUTO_DATABASE_URL: database.url,
    KABUTO_DATABASE_POOL_SIZE: '5',
    KABUTO_SECRET: TEST_SECRET,
    // The bootstrap token exists in development and test only: production refuses it (docs/operators.md).
    KABUTO_ADMIN_TOKEN: options.env?.NODE_ENV === 'production' ? '' : ADMIN_TOKEN,
    KABUTO_DEV_OUTBOX: options.env?.NODE_ENV === 'production' ? '0' : '1',
    KABUTO_LOG_LEVEL: 'info',
    KABUTO_WEB_ROOT: '/nonexistent-portal',
    ...options.env,
  });
  const clock = createManualClock(options.startAt);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      const line = chunk.toString();
      logs.push(line);
      collectedLogs.push(line);
      done();
    },
  });
  const kabuto = await createKabuto(config, { clock, schema: database.schema, logStream, ...options.overrides });
  const app = await buildApp(kabuto, options.app);
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    app,
    kabuto,
    clock,
    logs,
    client: (clientOptions) => new HttpClient(url, clientOptions),
    admin: () => new HttpClient(url, { authorization: `Bearer ${ADMIN_TOKEN}` }),
    async close() {
      await app.close();
      await kabuto.close();
      await database.drop();
      const leaked = leakedSecrets(logs);
      if (leaked.length > 0) {
        const where = leaked.map(({ secret, line }) => `${secret} in ${line.slice(0, 600)}`).join('\n');
        throw new Error(`${leaked.length} secret(s) of this test reached the server's log:\n${where}`);
      }
    },
  };
}

/**
 * The test server fixture: registers the start and the close around each test (`per: 'test'`, the
 * default) or around the enclosing describe block or file (`per: 'suite'`), and returns a handle that
 * reaches whichever server is current. One call replaces the let/beforeEach/afterEach preamble.
 *
 *   const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' } });
 *   it('…', async () => { const customer = await createCustomer(server); … });
 *
 * Options may be a function, evaluated at start time (for a port or a directory made in an earlier hook).
 */
export function useTestServer(options: TestServerOptions | (() => TestServerOptions) = {}, { per = 'test' }: { per?: 'test' | 'suite' } = {}): TestServer {
  let current: TestServer | undefined;
  const start = async () => {
    current = await startTestServer(typeof options === 'function' ? options() : options);
  };
  const stop = async () => {
    const server = current;
    current = undefined;
    await server?.close();
  };
  if (per === 'test') {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  const live = (): TestServer => {
    if (!current) throw new Error('useTestServer: the server runs only inside a test or a hook of its block');
    return current;
  };
  return {
    get url() {
      return live().url;
    },
    get app() {
      return live().app;
    },
    get kabuto() {
      return live().kabuto;
    },
    get clock() {
      return live().clock;
    },
    get logs() {
      return live().logs;
    },
    client: (clientOptions) => live().client(clientOptions),
    admin: () => live().admin(),
    close: stop,
  };
}

/**
 * For blocks whose tests each need their own configuration: `await servers.start(options)` inside a
 * test, and every server it started is closed after that test.
 */
export function useTestServers(): { start(options?: TestServerOptions): Promise<TestServer> } {
  const started: TestServer[] = [];
  afterEach(async () => {
    const results = await Promise.allSettled(started.splice(0).map((server) => server.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return {
    async start(options = {}) {
      const server = await startTestServer(options);
      started.push(server);
      return server;
    },
  };
}

/**
 * A server of its own for one test (a configuration no other test in the block shares): started,
 * handed to the body, and closed whatever the body does.
 */
export async function withTestServer<T>(options: TestServerOptions, body: (server: TestServer) => Promise<T>): Promise<T> {
  const server = await startTestServer(options);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

/**
 * A describe block for one database only (several processes on PostgreSQL, a SQLite file backup):
 * registered on that dialect's run and absent from the other's, so neither run reports skipped tests.
 */
export function describeOn(only: 'sqlite' | 'postgres', name: string, body: () => void): void {
  if (dialect === only) describe(name, body);
}
