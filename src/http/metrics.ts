import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../adapters/metrics.js';
import type { Config } from '../config.js';
import { constantTimeEqual } from '../domain/kernel/crypto.js';
import { fail } from '../domain/kernel/errors.js';
import { sendFailure } from './failures.js';

/**
 * Times every request by its route pattern and serves `GET /metrics` (Prometheus text). Registered
 * before the routes so that the hook sees them all. Requests that match no route share one label:
 * a scanner's random URLs must not create a time series each.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, config: Pick<Config, 'mode' | 'metricsToken'>): void {
  // A callback hook, not an async one: no promise per request for a synchronous observation.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // Not public in production: served only behind its bearer token (or openly in development and tests).
  const token = config.metricsToken;
  if (!token && config.mode === 'production') return;
  app.get('/metrics', async (request, reply) => {
    if (token) {
      const header = request.headers.authorization ?? '';
      const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!constantTimeEqual(presented, token)) return sendFailure(request, reply, fail('unauthenticated'));
    }
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
