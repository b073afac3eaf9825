import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';

/** Resolves false when `work` has not finished within `ms` (it keeps running; its result is ignored). */
async function within(work: Promise<unknown>, ms: number): Promise<'ok' | 'timeout' | 'error'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    return await Promise.race([work.then(() => 'ok' as const, () => 'error' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  // Liveness: the process answers. Never tied to the database (a restart would not fix it).
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Readiness: send requests here. False while shutting down, and when the database does not answer
  // within its own short time-out: unreachable, a frozen link, or a pool with no free connection.
  app.get('/readyz', async (_request, reply) => {
    if (kabuto.lifecycle.draining) return reply.code(503).send({ status: 'unavailable', reason: 'shutting down' });
    const ping = await within(kabuto.ping(), kabuto.config.readyTimeoutMs);
    if (ping === 'ok') return { status: 'ready' };
    return reply.code(503).send({ status: 'unavailable', reason: ping === 'timeout' ? 'database not answering in time' : 'database unreachable' });
  });
}
