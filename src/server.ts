import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config.js';
import { buildApp } from './http/app.js';
import { createKabuto, type Kabuto } from './kabuto.js';
import { DEMO_CUSTOMERS, seedDemoCustomers } from './demo-seed.js';

export interface RunningServer {
  app: FastifyInstance;
  kabuto: Kabuto;
  url: string;
  close(): Promise<void>;
}

/** A start-up failure an operator fixes from one line (port in use, database unreachable): no stack trace. */
export class StartupError extends Error {}

/** The innermost useful words of an error (pg wraps, AggregateError hides them in `errors`). */
function reasonOf(error: unknown): string {
  const e = error as { message?: string; code?: string; errors?: unknown[]; cause?: unknown };
  if (e?.errors?.length) return reasonOf(e.errors[0]);
  if (e?.cause) return reasonOf(e.cause);
  return [e?.code, e?.message].filter(Boolean).join(' ') || String(error);
}

/** The database URL as a log may show it: no password. */
export function maskDatabaseUrl(url: string): string {
  return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
}

/** Process bootstrap: configuration, database, app, listen; graceful close on SIGTERM/SIGINT. */
export async function startServer(config: Config = loadConfig()): Promise<RunningServer> {
  let kabuto: Kabuto;
  try {
    kabuto = await createKabuto(config);
  } catch (error) {
    throw new StartupError(`cannot open the database ${maskDatabaseUrl(config.databaseUrl)} (KABUTO_DATABASE_URL): ${reasonOf(error)}`, { cause: error });
  }
  const app = await buildApp(kabuto);
  try {
    if (config.seedDemo) await seedDemoCustomers(kabuto);
    kabuto.warm();
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close().catch(() => {});
    await kabuto.close().catch(() => {});
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new StartupError(`cannot listen on ${config.host}:${config.port}: the port is already in use (KABUTO_PORT, KABUTO_HOST)`, { cause: error });
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new StartupError(`cannot listen on ${config.host}:${config.port}: ${reasonOf(error)} (KABUTO_PORT, KABUTO_HOST)`, { cause: error });
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicOrigin ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  if (config.seedDemo) printDevelopmentBanner(url, config);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await kabuto.close();
    })());
  return { app, kabuto, url, close };
}

function printDevelopmentBanner(url: string, config: Config): void {
  const lines = [
    '',
    '  ⚠  DEVELOPMENT MODE — demo customers and the dev outbox are enabled. Never use this for real customers.',
    '',
    `  Portal:  ${url}/`,
    config.devOutbox ? `  Outbox:  ${url}/api/dev/outbox   (SMS codes and e-mails land here)` : '',
    '',
    ...DEMO_CUSTOMERS.map((d) => `  ${d.loginId.padEnd(14)} login password: ${d.password}   trading password: ${d.tradingPassword}   phone: ${d.phone}`),
    '',
  ];
  process.stdout.write(lines.filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n') + '\n');
}

/**
 * SIGTERM (an orchestrator stopping the instance): /readyz turns 503 at once so the load balancer
 * stops sending requests, requests are still served for the grace period (KABUTO_SHUTDOWN_GRACE_MS),
 * then the listener closes and requests in flight finish; the process exits by the hard deadline
 * (KABUTO_SHUTDOWN_TIMEOUT_MS) whatever is still running. SIGINT (Ctrl-C) skips the grace period.
 * A second signal ends the process at once.
 */
export function closeOnSignals(server: RunningServer): void {
  const { config } = server.kabuto;
  let started = false;
  const shutdown = (signal: 'SIGTERM' | 'SIGINT') => {
    if (started) return;
    started = true;
    const grace = signal === 'SIGTERM' ? config.shutdownGraceMs : 0;
    server.app.log.info({ signal, graceMs: grace, deadlineMs: config.shutdownTimeoutMs }, 'shutting down');
    server.kabuto.lifecycle.draining = true;
    const deadline = setTimeout(() => {
      server.app.log.error({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutdown deadline passed: exiting with work still running');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    new Promise((resolve) => setTimeout(resolve, grace))
      .then(() => server.close())
      .then(
        () => {
          server.app.log.info({ signal }, 'shut down');
          process.exit(0);
        },
        (error) => {
          server.app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (started) process.exit(1);
      shutdown(signal);
    });
  }
}
