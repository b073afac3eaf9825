import { spawn, type ChildProcess } from 'node:child_process';
import { ADMIN_TOKEN, TEST_SECRET } from './harness.js';

// A real `kabuto serve` process, for what only separate processes show: a SIGKILL in the middle of a
// write, several servers sharing one database. These use the real clock.

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** What the process printed to stderr, and to stdout until it listened. */
  output(): string;
}

/** Starts `kabuto serve` with the test configuration plus `env`, and waits until /readyz answers. */
export async function spawnServe(env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn('node', ['bin/kabuto.mjs', 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      KABUTO_HOST: '127.0.0.1',
      // Port 0: the kernel picks a free port and the log line tells it; no race for a "free" port.
      KABUTO_PORT: '0',
      KABUTO_DATABASE_POOL_SIZE: '4',
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
  let listening = false;
  // Both pipes are always drained: a full pipe would block the child's writes.
  child.stderr!.on('data', (chunk) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kabuto serve did not start:\n${output}`)), 20_000);
    child.stdout!.on('data', (chunk) => {
      if (listening) return; // the request log is not kept
      output += chunk.toString();
      const match = output.match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        listening = true;
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`kabuto serve exited (${code}):\n${output}`)));
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

/** Signals the process (SIGTERM unless told) and waits for its exit code. */
export async function stopServe(serve: ServeProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const { child } = serve;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  return exited;
}
