import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { fail } from '../domain/errors.js';
import { sendFailure } from './failures.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function ownOrigin(request: FastifyRequest, config: Config): string {
  return config.publicOrigin ?? `${request.protocol}://${request.headers.host ?? ''}`;
}

/**
 * CSRF defence in depth (security.md): state changes to /api/v1/ must be JSON (a cross-site form
 * cannot send that without a preflight), and an Origin, when present, must be our own.
 */
export function registerRequestGuards(app: FastifyInstance, config: Config): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!STATE_CHANGING.has(request.method) || !request.url.startsWith('/api/v1/')) return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== ownOrigin(request, config)) return sendFailure(request, reply, fail('csrf_rejected'));
    const type = request.headers['content-type'];
    const mediaType = typeof type === 'string' ? type.split(';')[0]!.trim().toLowerCase() : '';
    if (mediaType !== 'application/json') return sendFailure(request, reply, fail('unsupported_media_type'));
  });

  // An empty JSON body (POST /logout, POST .../sms) is an empty object, not an error.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, {});
    return parseJson(request, body as string, done);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
