import type { FastifyInstance, FastifySchema } from 'fastify';
import swagger from '@fastify/swagger';
import { renderDocsPage, DOCS_CSS } from './docs-page.js';

// The OpenAPI 3.1 document is generated from the schemas the routes validate with: one source of
// truth. @fastify/swagger collects routes as they are registered, so this runs before any route.

const errorResponse = {
  description: 'An error: `{"error": code, "message", "requestId", ...fields}` (see the contract)',
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } },
  required: ['error', 'message', 'requestId'],
};

/** The section of the document a route belongs to, from its path. */
function tagOf(url: string): string {
  if (url.startsWith('/api/admin/')) return 'admin';
  if (url.startsWith('/api/dev/')) return 'development';
  if (!url.startsWith('/api/v1/')) return 'operations';
  const section = url.split('/')[3] ?? '';
  return ['login', 'logout', 'me'].includes(section) ? 'sign-in' : section;
}

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kabuto',
        version,
        description: 'Account security for online brokerages. The API in prose: docs/api.md in the repository.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'kabuto_session', description: 'set at sign-in' },
          adminToken: { type: 'http', scheme: 'bearer', description: 'KABUTO_ADMIN_TOKEN' },
        },
      },
    },
    // Documentation only: what validates requests is the route's own schema, untouched.
    transform: ({ schema, url }) => {
      const original = (schema ?? {}) as FastifySchema & { response?: Record<string, unknown> };
      const documented: Record<string, unknown> = {
        ...original,
        tags: [tagOf(url)],
        response: { ...(original.response ?? { 200: { description: 'Success' } }), default: errorResponse },
      };
      if (url.startsWith('/api/admin/')) documented.security = [{ adminToken: [] }];
      return { schema: documented as FastifySchema, url };
    },
  });
}

/** `GET /api/v1/openapi.json` and a script-free docs page at `/docs` (the CSP forbids inline code). */
export function openApiRoutes(app: FastifyInstance): void {
  app.get('/api/v1/openapi.json', async () => app.swagger());
  let page: string | undefined;
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send((page ??= renderDocsPage(app.swagger()))));
  app.get('/docs/docs.css', { schema: { hide: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').send(DOCS_CSS));
}
