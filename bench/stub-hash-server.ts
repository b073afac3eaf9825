import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { createKabuto } from '../src/kabuto.js';

/**
 * Kabuto as `kabuto serve` composes it, with one change: the password hasher answers "right" after
 * a timer instead of hashing (5 ms). Under load its CPU per sign-in is Kabuto's own work alone (HTTP,
 * queries, session, log), measured without two argon2 threads beside it on the cores. A longer wait
 * holds the sign-in's rate down to the real server's (the same work, at the rate it is really done):
 * on SIGUSR2 the stub reads its wait in milliseconds from the file KABUTO_BENCH_STUB_WAIT_FILE.
 * A diagnostic of the bench only (`--child stub-hash`); never a way to run Kabuto.
 */
export async function serveWithStubHasher(): Promise<void> {
  const config = loadConfig(process.env);
  let waitMs = 5;
  const waitFile = process.env.KABUTO_BENCH_STUB_WAIT_FILE;
  if (waitFile) process.on('SIGUSR2', () => (waitMs = Number(readFileSync(waitFile, 'utf8'))));
  const wait = () => new Promise<void>((resolve) => setTimeout(resolve, waitMs));
  const kabuto = await createKabuto(config, {
    hasher: {
      hash: async () => {
        throw new Error('the stub hasher does not hash');
      },
      verify: async () => {
        await wait();
        return true;
      },
      verifyDummy: wait,
      needsRehash: () => false,
    },
  });
  const app = await buildApp(kabuto);
  await app.listen({ host: config.host, port: config.port });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => kabuto.close()).then(() => process.exit(0)));
  await new Promise(() => {});
}

/**
 * Kabuto as `kabuto serve` composes it with ONE hashing thread (`--child one-hash-thread`): on the
 * 2-core machine the other core is left to the event loop, PostgreSQL and the load generator, so
 * the sign-in's rate can be compared with the bound on one thread without the two sharing a core.
 */
export async function serveWithOneHashThread(): Promise<void> {
  const config = loadConfig(process.env);
  const kabuto = await createKabuto(config, { hasherConcurrency: 1 });
  const app = await buildApp(kabuto);
  await app.listen({ host: config.host, port: config.port });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => kabuto.close()).then(() => process.exit(0)));
  await new Promise(() => {});
}
