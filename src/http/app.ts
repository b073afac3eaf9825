import { existsSync, readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import type { Config } from '../config.js';
import type { Kabuto } from '../kabuto.js';
import { fail } from '../domain/kernel/errors.js';
import { registerErrorHandling } from './error-handling.js';
import { registerRequestGuards } from './request-guards.js';
import { registerCookieNames } from './device-cookie.js';
import { registerRoutes } from './routes/index.js';
import { sendFailure } from './failures.js';
import { registerMetrics } from './metrics.js';
import { openApiRoutes, registerOpenApi } from './openapi.js';
import { registerPortalAssets, sendPortalPage } from './portal-assets.js';
import { registerRequestLogging, requestIdGenerator, requestLogger } from './request-log.js';
import { registerSecurityHeaders } from './security-headers.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface AppOptions {
  /** Time allowed to receive a whole request: a slow client (slowloris) is cut off after it. */
  requestTimeoutMs?: number;
}

export interface RouteSummary {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered: the attack suite walks it. */
    routeTable: RouteSummary[];
  }
}

/**
 * Fastify's trustProxy for KABUTO_TRUST_PROXY: a hop count N believes the last N entries of
 * X-Forwarded-For (hop i counts from the socket's peer), a list believes the proxies it names.
 */
function trustedProxies(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

/** The whole HTTP application as one Fastify instance: tests build it, server.ts listens. */
export async function buildApp(kabuto: Kabuto, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = kabuto;
  const app = Fastify({
    // The composition root's log (src/http/log.ts: secrets redacted, request IDs on every line).
    loggerInstance: kabuto.log,
    // Each request's child of it, made at its first line (request-log.ts).
    childLoggerFactory: requestLogger,
    // A hop count or the proxies' addresses, never the whole chain (config-variables.ts).
    trustProxy: trustedProxies(config.trustProxy),
    bodyLimit: 64 * 1024,
    genReqId: requestIdGenerator(config.trustProxy !== false),
    return503OnClosing: true,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    connectionTimeout: options.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: 5_000,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  });
  const routeTable: RouteSummary[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: route.url });
  });
  app.decorateRequest('session', null);
  app.decorateRequest('customer', null);
  app.decorateRequest('sessionLookup', null);

  await app.register(cookie);
  // helmet's headers (CSP, HSTS behind https, no-referrer, nosniff, ...), computed once (security-headers.ts).
  registerSecurityHeaders(app, config.publicOrigin?.startsWith('https://') ?? false);

  registerCookieNames(app, config.publicOrigin);
  registerRequestGuards(app, config);
  registerErrorHandling(app);
  registerRequestLogging(app, kabuto.deps);
  await registerOpenApi(app, VERSION);
  registerMetrics(app, kabuto.metrics, config);
  if (config.docs) openApiRoutes(app);
  await registerRoutes(app, kabuto);

  const webRoot = config.webRoot;
  const hasPortal = existsSync(webRoot);
  if (hasPortal) await registerPortalAssets(app, webRoot);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // The portal is a single-page app: its routes all load index.html; API paths answer JSON.
    if (hasPortal && (request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/api/')) return sendPortalPage(request, reply, webRoot);
    return sendFailure(request, reply, fail('not_found'));
  });
  return app;
}
