import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

type Middleware = ReturnType<typeof helmet>;

/** The headers a helmet middleware sets, read by running it once on a stand-in response. */
function headersOf(middleware: Middleware): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return response;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  middleware({ method: 'GET', url: '/', headers: {} } as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return headers;
}

/**
 * helmet's security headers for Kabuto's pages (the portal, the console, the API docs, the federation
 * pages), computed ONCE: the middleware is run a single time at start on a stand-in response and the
 * headers it set are kept. @fastify/helmet rebuilt the middleware and ran it on every request (6 % of a
 * signed-in read's CPU in the bench); the headers depend only on the configuration, never on the request.
 */
export function securityHeaders(https: boolean): Record<string, string> {
  return headersOf(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      hsts: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginEmbedderPolicy: false,
    }),
  );
}

/**
 * The headers of a JSON answer under /api/ (OWASP's REST Security Cheat Sheet): a policy that loads
 * nothing and frames nothing (`default-src 'none'`, stricter than a page's, should a browser ever render
 * the JSON as a document), nosniff, no framing, no referrer, same-origin resource policy, HSTS behind
 * https. A page's other headers (COOP, Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection) govern documents, not JSON, and each costs every
 * answer a header to write and validate: half the headers' cost on a cached signed-in read.
 */
export function apiSecurityHeaders(https: boolean): Record<string, string> {
  return headersOf(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      hsts: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );
}

export function registerSecurityHeaders(app: FastifyInstance, https: boolean): void {
  const pages = securityHeaders(https);
  const api = apiSecurityHeaders(https);
  // By the raw URL: a path that only decodes to /api/ (`/%61pi/...`) gets the page's headers, the longer set.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/api/') ? api : pages);
    done();
  });
}
