import type { ChildProcess } from 'node:child_process';
import { ADMIN_TOKEN, type TestServer } from '../support/harness.js';
import { spawnServe, stopServe } from '../support/serve-process.js';
import { HttpClient } from '../support/http-client.js';

// A `kabuto serve` process (test/support/serve-process.ts) with the clients the money tests use.

export interface ProcessServer {
  url: string;
  child: ChildProcess;
  client(): HttpClient;
  admin(): HttpClient;
  /** The same browser speaking to this server: one cookie jar, shared (sessions rotate at step-up). */
  adopt(client: HttpClient): HttpClient;
  /** The flows of test/support take a TestServer; they only use client() and admin(). */
  asTestServer(): TestServer;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startProcessServer(databaseUrl: string, env: Record<string, string> = {}): Promise<ProcessServer> {
  const serve = await spawnServe({ KABUTO_DATABASE_URL: databaseUrl, KABUTO_DATABASE_POOL_SIZE: '5', ...env });
  const { url, child } = serve;
  const server: ProcessServer = {
    url,
    child,
    client: () => new HttpClient(url),
    admin: () => new HttpClient(url, { authorization: `Bearer ${ADMIN_TOKEN}` }),
    adopt(client) {
      return Object.assign(new HttpClient(url), { cookies: client.cookies });
    },
    asTestServer: () => ({ client: server.client, admin: server.admin }) as unknown as TestServer,
    async kill(signal = 'SIGTERM') {
      await stopServe(serve, signal);
    },
  };
  return server;
}
