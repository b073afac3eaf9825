import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { addEndpoint, deleteEndpoint, listDeliveries, listEndpoints, retryDead, rotateSecret, setEndpointStatus, viewEndpoint } from '../../../domain/feed/endpoints.js';
import { readEvents } from '../../../domain/feed/events.js';
import type { DeliveryStatus } from '../../../domain/feed/feed-store.js';
import { adminActor, adminScope } from '../../admin-scope.js';
import { answer, created } from '../../answer.js';
import { body, text } from '../../schemas.js';

// The signed event feed in the back office (docs/events.md): the feed read by cursor (SIEM collection)
// and the webhook endpoints it is delivered to. Security operators only: events carry addresses.

const ROLES = { roles: ['security'] } as const;
const idParams = { type: 'object', properties: { id: text(64, 1) }, required: ['id'] };
const limitPattern = '^[0-9]{1,4}$';

export function feedRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { deps } = kabuto.feed;

  adminScope(app, kabuto, (admin) => {
    admin.get<{ Querystring: { after?: string; limit?: string } }>(
      '/api/admin/v1/events',
      {
        config: ROLES,
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { after: { type: 'string', pattern: '^[0-9]{1,15}$' }, limit: { type: 'string', pattern: limitPattern } },
          },
        },
      },
      async (request) => readEvents(deps, Number(request.query.after ?? 0), Math.min(Math.max(Number(request.query.limit ?? 100), 1), 1000)),
    );

    admin.post<{ Body: { url: string; events?: string[] } }>(
      '/api/admin/v1/webhooks',
      { config: ROLES, schema: { body: body({ url: text(2048, 1), events: { type: 'array', maxItems: 50, items: text(64, 1) } }, ['url']) } },
      async (request, reply) =>
        created(request, reply, await addEndpoint(deps, request.body, adminActor(request)), ({ endpoint, secret }) => ({ endpoint: viewEndpoint(endpoint), secret })),
    );

    admin.get('/api/admin/v1/webhooks', { config: { roles: ['security', 'viewer'] } }, async () => ({ endpoints: await listEndpoints(deps) }));

    for (const [action, status] of [['disable', 'disabled'], ['enable', 'active']] as const) {
      admin.post<{ Params: { id: string } }>(`/api/admin/v1/webhooks/:id/${action}`, { config: ROLES, schema: { params: idParams, body: body({}) } }, async (request, reply) =>
        answer(request, reply, await setEndpointStatus(deps, request.params.id, status, adminActor(request))),
      );
    }

    admin.post<{ Params: { id: string } }>('/api/admin/v1/webhooks/:id/rotate-secret', { config: ROLES, schema: { params: idParams, body: body({}) } }, async (request, reply) =>
      answer(request, reply, await rotateSecret(deps, request.params.id, adminActor(request))),
    );

    admin.post<{ Params: { id: string } }>('/api/admin/v1/webhooks/:id/retry', { config: ROLES, schema: { params: idParams, body: body({}) } }, async (request, reply) =>
      answer(request, reply, await retryDead(deps, request.params.id, adminActor(request))),
    );

    admin.delete<{ Params: { id: string } }>('/api/admin/v1/webhooks/:id', { config: ROLES, schema: { params: idParams } }, async (request, reply) =>
      answer(request, reply, await deleteEndpoint(deps, request.params.id, adminActor(request))),
    );

    admin.get<{ Params: { id: string }; Querystring: { status?: DeliveryStatus; limit?: string } }>(
      '/api/admin/v1/webhooks/:id/deliveries',
      {
        config: { roles: ['security', 'viewer'] },
        schema: {
          params: idParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { status: { type: 'string', enum: ['pending', 'delivered', 'dead'] }, limit: { type: 'string', pattern: limitPattern } },
          },
        },
      },
      async (request, reply) =>
        answer(request, reply, await listDeliveries(deps, request.params.id, request.query.status, Math.min(Math.max(Number(request.query.limit ?? 50), 1), 500)), (deliveries) => ({ deliveries })),
    );
  });
}
