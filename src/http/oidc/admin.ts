import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { AUTH_METHODS, DETAIL_TYPES, listClients, registerClient, removeClient, type ClientRegistration } from '../../domain/federation/clients.js';
import { DEFAULT_ROTATION, rotateSigningKey, signingKeysOf } from '../../domain/federation/signing-keys.js';
import { dropLogoutNotice, listLogoutNotices, reviveLogoutNotice } from '../../domain/federation/logout-notices.js';
import { fail } from '../../domain/kernel/errors.js';
import { adminActor, adminScope } from '../admin-scope.js';
import { sendFailure } from '../failures.js';
import { answer, created } from '../answer.js';
import { body, digits, enumOf, queryNumber, text } from '../schemas.js';
import type { OidcRuntime } from './provider.js';

// The back office's side of the OpenID Provider: relying parties (registered here or with
// `kabuto oidc client add`) and the signing keys' rotation. Security operators only.

const uri = { type: 'string', minLength: 1, maxLength: 2000 };
const clientParams = { type: 'object', properties: { clientId: text(64, 1) }, required: ['clientId'] };
const noticeParams = { type: 'object', properties: { id: text(64, 1) }, required: ['id'] };
const noticeQuery = {
  type: 'object',
  properties: { status: enumOf('pending', 'dead'), limit: digits(3, 'At most this many, oldest first (1–500, default 100).') },
  additionalProperties: false,
};

export function oidcAdminRoutes(app: FastifyInstance, kabuto: Kabuto, runtime: OidcRuntime | undefined): void {
  const { config } = kabuto;
  const off = (request: FastifyRequest, reply: FastifyReply) => sendFailure(request, reply, fail('not_found'));
  const rules = { allowHttpLoopback: config.mode !== 'production' };
  adminScope(app, kabuto, (admin) => {
    admin.post<{ Body: ClientRegistration }>(
      '/api/admin/v1/oidc/clients',
      {
        config: { roles: ['security'] },
        schema: {
          body: body(
            {
              name: text(100, 1),
              authMethod: enumOf(...AUTH_METHODS),
              redirectUris: { type: 'array', minItems: 1, maxItems: 10, items: uri },
              postLogoutRedirectUris: { type: 'array', maxItems: 10, items: uri },
              backchannelLogoutUri: uri,
              jwks: { type: 'object', properties: { keys: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'object' } } }, required: ['keys'], additionalProperties: false },
              authorizationDetailsTypes: { type: 'array', maxItems: 5, items: enumOf(...DETAIL_TYPES) },
            },
            ['name', 'authMethod', 'redirectUris'],
          ),
        },
      },
      async (request, reply) => (runtime ? created(request, reply, await registerClient(request.deps, runtime.federation, request.body, rules, adminActor(request))) : off(request, reply)),
    );
    admin.get('/api/admin/v1/oidc/clients', { config: { roles: ['security', 'viewer'] } }, async (request, reply) =>
      runtime ? { clients: await listClients(request.deps, runtime.federation) } : off(request, reply),
    );
    admin.delete<{ Params: { clientId: string } }>('/api/admin/v1/oidc/clients/:clientId', { config: { roles: ['security'] }, schema: { params: clientParams } }, async (request, reply) =>
      runtime ? answer(request, reply, await removeClient(request.deps, runtime.federation, request.params.clientId, adminActor(request)), () => ({ status: 'removed' })) : off(request, reply),
    );
    // Back-channel logout tokens still owed (docs/oidc.md, "Logout"): a dead one is sent again, or dropped.
    admin.get<{ Querystring: { status?: 'pending' | 'dead'; limit?: string } }>(
      '/api/admin/v1/oidc/logout-notices',
      { config: { roles: ['security', 'viewer'] }, schema: { querystring: noticeQuery } },
      async (request, reply) =>
        runtime
          ? { notices: await listLogoutNotices(runtime.federation.logoutNotices, { ...(request.query.status ? { status: request.query.status } : {}), limit: queryNumber(request.query.limit, 100, 1, 500) }) }
          : off(request, reply),
    );
    admin.post<{ Params: { id: string } }>('/api/admin/v1/oidc/logout-notices/:id/retry', { config: { roles: ['security'] }, schema: { params: noticeParams, body: body({}) } }, async (request, reply) =>
      runtime ? answer(request, reply, await reviveLogoutNotice(request.deps, runtime.federation.logoutNotices, request.params.id, adminActor(request))) : off(request, reply),
    );
    admin.delete<{ Params: { id: string } }>('/api/admin/v1/oidc/logout-notices/:id', { config: { roles: ['security'] }, schema: { params: noticeParams } }, async (request, reply) =>
      runtime ? answer(request, reply, await dropLogoutNotice(request.deps, runtime.federation.logoutNotices, request.params.id, adminActor(request))) : off(request, reply),
    );
    admin.get('/api/admin/v1/oidc/keys', { config: { roles: ['security', 'viewer'] } }, async (request, reply) =>
      runtime ? { keys: await signingKeysOf(request.deps, runtime.federation) } : off(request, reply),
    );
    admin.post<{ Body: { publishSeconds?: number; keepSeconds?: number } }>(
      '/api/admin/v1/oidc/keys/rotate',
      {
        config: { roles: ['security'] },
        schema: { body: body({ publishSeconds: { type: 'integer', minimum: 0, maximum: 7 * 86_400 }, keepSeconds: { type: 'integer', minimum: 0, maximum: 90 * 86_400 } }) },
      },
      async (request, reply) => {
        if (!runtime) return off(request, reply);
        const times = {
          publishMs: (request.body.publishSeconds ?? DEFAULT_ROTATION.publishMs / 1000) * 1000,
          keepMs: (request.body.keepSeconds ?? DEFAULT_ROTATION.keepMs / 1000) * 1000,
        };
        // The installation's first key is made on the provider's first use; a rotation before that makes it first.
        await runtime.provider();
        const key = await rotateSigningKey(request.deps, runtime.federation, times, adminActor(request));
        runtime.keysChanged();
        return reply.code(201).send({ kid: key.kid, activatesAt: new Date(key.activatesAt).toISOString(), keys: await signingKeysOf(request.deps, runtime.federation) });
      },
    );
  });
}
