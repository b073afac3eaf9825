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

/** Process bootstrap: configuration, database, app, listen; graceful close on SIGTERM/SIGINT. */
export async function startServer(config: Config = loadConfig()): Promise<RunningServer> {
  const kabuto = await createKabuto(config);
  const app = await buildApp(kabuto);
  kabuto.deps.logger = app.log;
  if (config.seedDemo) await seedDemoCustomers(kabuto);
  await app.listen({ host: config.host, port: config.port });
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

export function closeOnSignals(server: RunningServer): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.app.log.info({ signal }, 'shutting down');
      server.close().then(
        () => process.exit(0),
        (error) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }
}
