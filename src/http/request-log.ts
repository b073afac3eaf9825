import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
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

type Write = (...args: unknown[]) => void;
type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>;
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LevelCheck = (level: string) => boolean;

/** pino's child of the process's log for one request, made at its first line at a level the log takes. */
class RequestLogger {
  #made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly enabled: LevelCheck,
  ) {}

  get level(): string {
    return (this.#made ?? this.parent).level;
  }

  set level(level: string) {
    this.made().level = level;
  }

  private made(): FastifyBaseLogger {
    return (this.#made ??= this.parent.child(this.bindings));
  }

  private write(level: Level, args: unknown[]): void {
    if (this.#made || this.enabled.call(this.parent, level)) (this.made()[level] as Write)(...args);
  }

  fatal(...args: unknown[]) {
    this.write('fatal', args);
  }

  error(...args: unknown[]) {
    this.write('error', args);
  }

  warn(...args: unknown[]) {
    this.write('warn', args);
  }

  info(...args: unknown[]) {
    this.write('info', args);
  }

  debug(...args: unknown[]) {
    this.write('debug', args);
  }

  trace(...args: unknown[]) {
    this.write('trace', args);
  }

  silent() {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made().child(bindings, options);
  }
}

/**
 * A request's logger (Fastify's `childLoggerFactory`): pino's child, bound to the request's ID, made when
 * the request first writes a line at a level the log takes. pino serialises a child's bindings when it
 * is made, through the redaction of every field (`*.password`, ...): some 4 % of a cached signed-in
 * read's CPU, paid by every request even where the level writes nothing for it (`warn` and above: a
 * served request writes no line). Lines, their fields and their redaction are pino's own, unchanged.
 * A child with its own level or serializers (a route's `logLevel`) is made at once.
 */
export function requestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  const enabled = (parent as { isLevelEnabled?: LevelCheck }).isLevelEnabled;
  if (Object.keys(options).length > 0 || typeof enabled !== 'function') return parent.child(bindings, options);
  return new RequestLogger(parent, bindings, enabled) as unknown as FastifyBaseLogger;
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
