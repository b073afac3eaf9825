import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { fail } from '../domain/kernel/errors.js';
import { sendFailure } from './failures.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function ownOrigin(request: FastifyRequest, config: Config): string {
  return config.publicOrigin ?? `${request.protocol}://${request.headers.host ?? ''}`;
}

/**
 * CSRF defence in depth (security.md): state changes to /api/v1/ must be JSON (a cross-site form
 * cannot send that without a preflight), and an Origin, when present, must be our own.
 */
/**
 * The path the router matched (its pattern), not the raw URL: the router decodes `%`-escapes, so
 * `/%61pi/v1/...` reaches an /api/v1/ route while its raw URL does not start with /api/. A request
 * that matched no route is judged by its decoded path.
 */
function routedPath(request: FastifyRequest): string {
  const route = request.routeOptions.url;
  if (route !== undefined) return route;
  const raw = request.url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function registerRequestGuards(app: FastifyInstance, config: Config): void {
  // Callback hooks, not async ones: a read (GET) passes with no promise and no extra turn of the event loop.
  app.addHook('onRequest', (request, reply, done) => {
    if (!STATE_CHANGING.has(request.method) || !routedPath(request).startsWith('/api/v1/')) return done();
    const origin = request.headers.origin;
    // Answered here: the request goes no further (done is not called).
    if (origin !== undefined && origin !== ownOrigin(request, config)) return void sendFailure(request, reply, fail('csrf_rejected'));
    const type = request.headers['content-type'];
    const mediaType = typeof type === 'string' ? type.split(';')[0]!.trim().toLowerCase() : '';
    if (mediaType !== 'application/json') return void sendFailure(request, reply, fail('unsupported_media_type'));
    done();
  });

  // An empty JSON body (POST /logout, POST .../sms) is an empty object, not an error.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, {});
    return parseJson(request, body as string, done);
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    if (routedPath(request).startsWith('/api/')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
