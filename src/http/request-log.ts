import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

// Every log line written while a request is served carries its request ID, also the lines the
// domain writes through deps.logger (which knows nothing of requests): pino's mixin reads the ID
// from this async context. The same ID is in the error answer and the X-Request-Id header.

const currentRequestId = new AsyncLocalStorage<string>();
const scopes = new WeakMap<FastifyRequest, AsyncResource>();

/** The pino mixin; request.log lines already carry the ID as a binding and are left alone. */
export function requestIdMixin(_merge: object, _level: number, logger?: { bindings(): Record<string, unknown> }): Record<string, string> {
  const id = currentRequestId.getStore();
  if (!id || (logger && 'reqId' in logger.bindings())) return {};
  // Fastify's own label for the ID; the error answer calls the same value `requestId`.
  return { reqId: id };
}

const PROXY_REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * A fresh random ID, or the reverse proxy's X-Request-Id when the proxy is trusted, so one ID follows
 * a request through both logs. From an untrusted client the header is ignored: it could forge lines.
 */
export function requestIdGenerator(trustProxy: boolean): (request: IncomingMessage) => string {
  return (request) => {
    const header = request.headers['x-request-id'];
    return trustProxy && typeof header === 'string' && PROXY_REQUEST_ID.test(header) ? header : randomUUID();
  };
}

export function registerRequestLogging(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    currentRequestId.run(request.id, () => {
      scopes.set(request, new AsyncResource('kabuto-request'));
      done();
    });
  });
  // The body is read in the socket's async context, which loses the ID: re-enter it before the
  // handlers run (the approach of @fastify/request-context).
  app.addHook('preValidation', (request, _reply, done) => {
    const scope = scopes.get(request);
    if (scope) scope.runInAsyncScope(done);
    else done();
  });
}
