import Fastify from 'fastify';

/**
 * The baseline of the signed-in reads: bare Fastify, no plugin, no hook, no database, answering
 * each path with the very JSON Kabuto answered (BARE_FIXTURES: {path: body}). Kabuto's ratio to it
 * is what its session check, database reads, security headers and logging cost.
 */
export async function serveBare(): Promise<void> {
  const fixtures = JSON.parse(process.env.BARE_FIXTURES ?? '{}') as Record<string, unknown>;
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ ok: true }));
  for (const [path, body] of Object.entries(fixtures)) app.get(path, async () => body);
  await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT) });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
  await new Promise(() => {});
}
