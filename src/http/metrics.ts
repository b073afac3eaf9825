import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../adapters/metrics.js';

/**
 * Times every request by its route pattern and serves `GET /metrics` (Prometheus text). Registered
 * before the routes so that the hook sees them all. Requests that match no route share one label:
 * a scanner's random URLs must not create a time series each.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
