import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Deps } from '../domain/kernel/context.js';

// Every log line written while a request is served carries its request ID, also the lines the domain
// writes: a route hands the domain `request.deps`, the composition root's deps with the request's own
// logger (Fastify's child, bound to the ID) in place of the process's. The same ID is in the error answer
// and the X-Request-Id header. No async context is kept for it: on Node 20 an AsyncLocalStorage puts a
// hook on every promise, some 20 % of a cached signed-in read's CPU (bench/README.md, issue 14).

declare module 'fastify' {
  interface FastifyRequest {
    /** The domain's dependencies for this request: its log lines carry the request's ID. */
    readonly deps: Deps;
    /** Made at the first `request.deps`; a request that never asks for it makes none. */
    scopedDeps: Deps | null;
  }
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

export function registerRequestLogging(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('scopedDeps', null);
  app.decorateRequest('deps', {
    getter(this: FastifyRequest): Deps {
      return (this.scopedDeps ??= { ...deps, logger: this.log });
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
}

// A library that sees only the raw request (the OpenID Provider's Koa app, src/http/oidc) is handed it
// with its Fastify request noted here, so lines written from the library's events keep the request's ID.
const handedOver = new WeakMap<IncomingMessage, FastifyRequest>();

export function handOver(request: FastifyRequest): IncomingMessage {
  handedOver.set(request.raw, request);
  return request.raw;
}

/** The domain's dependencies for a raw request handed over (its log lines carry the ID), else `fallback`. */
export function depsOfRaw(raw: IncomingMessage | undefined, fallback: Deps): Deps {
  return (raw && handedOver.get(raw)?.deps) ?? fallback;
}
