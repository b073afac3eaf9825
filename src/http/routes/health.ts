import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../kabuto.js';

export function healthRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await kabuto.deps.store.ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
}
