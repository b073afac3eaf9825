import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { endOtherSessionsOf, endSessionOf, listDevices, listSessions, removeDevice } from '../../../domain/sessions/session-list.js';
import { answer } from '../../answer.js';
import { clientWithDevice } from '../../device-cookie.js';
import { body } from '../../schemas.js';

const handleParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[0-9a-f]+$' } }, required: ['id'] };

/** ログイン中の端末: sessions and known devices (registered inside the signed-in scope). */
export function deviceRoutes(app: FastifyInstance, _kabuto: Kabuto): void {

  app.get('/api/v1/sessions', async (request) => listSessions(request.deps, request.customer!, request.session!));

  app.delete<{ Params: { id: string } }>('/api/v1/sessions/:id', { schema: { params: handleParams, body: body({}) } }, async (request, reply) =>
    answer(request, reply, await endSessionOf(request.deps, request.customer!, request.session!, request.params.id)),
  );

  app.post('/api/v1/sessions/end-others', { schema: { body: body({}) } }, async (request) => endOtherSessionsOf(request.deps, request.customer!, request.session!));

  app.get('/api/v1/devices', async (request) => listDevices(request.deps, request.customer!, clientWithDevice(request).deviceToken));

  app.delete<{ Params: { id: string } }>('/api/v1/devices/:id', { schema: { params: handleParams, body: body({}) } }, async (request, reply) =>
    answer(request, reply, await removeDevice(request.deps, request.customer!, request.params.id)),
  );
}
