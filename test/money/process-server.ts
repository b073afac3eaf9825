import { spawn, type ChildProcess } from 'node:child_process';
import { ADMIN_TOKEN, TEST_SECRET, type TestServer } from '../support/harness.js';
import { HttpClient } from '../support/http-client.js';

// A real `kabuto serve` process, for what only separate processes show: a SIGKILL in the middle
// of a write, and two servers sharing one database. These use the real clock.

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
  const child = spawn('node', ['bin/kabuto.mjs', 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      KABUTO_PORT: '0',
      KABUTO_HOST: '127.0.0.1',
      KABUTO_DATABASE_URL: databaseUrl,
      KABUTO_DATABASE_POOL_SIZE: '5',
      KABUTO_SECRET: TEST_SECRET,
      KABUTO_ADMIN_TOKEN: ADMIN_TOKEN,
      KABUTO_DEV_OUTBOX: '1',
      KABUTO_SEED_DEMO: '0',
      KABUTO_WEB_ROOT: '/nonexistent',
      // info, for the "Server listening at" line that tells the port chosen.
      KABUTO_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk.toString();
      const match = output.match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        // Stop keeping the log: the pipe is still drained, so the child never blocks on it.
        output = '';
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk) => (output += chunk.toString()));
    child.once('exit', () => reject(new Error(`server exited: ${output}`)));
  });
  await waitReady(url);

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
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
  return server;
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}/readyz never answered 200`);
}
