import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { isFailure } from '../../domain/kernel/errors.js';
import { viewCustomer } from '../../domain/customers/customers.js';
import { endSession, resolveSession } from '../../domain/sessions/sessions.js';
import { signIn } from '../../domain/sign-in/sign-in.js';
import { sendFailure } from '../failures.js';
import { body, secret, text } from '../schemas.js';
import { clearSessionCookie, requireCustomer, SESSION_COOKIE, setSessionCookie } from '../session.js';
import { clientWithDevice, setDeviceCookie } from '../device-cookie.js';

export function loginRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { deps, config } = kabuto;

  app.post<{ Body: { loginId: string; password: string } }>(
    '/api/v1/login',
    { schema: { body: body({ loginId: text(256, 1), password: secret }, ['loginId', 'password']) } },
    async (request, reply) => {
      const result = await signIn(deps, request.body, clientWithDevice(request));
      if (isFailure(result)) return sendFailure(request, reply, result);
      if (result.status === 'second_factor_required') return { status: result.status, challenge: result.challenge };
      // Rotation: whatever session the client held before is ended, never promoted.
      const previous = await resolveSession(deps, request.cookies[SESSION_COOKIE]);
      if (previous) await endSession(deps, previous.id);
      setSessionCookie(request, reply, result.token, config.publicOrigin);
      setDeviceCookie(request, reply, result.deviceToken, config.publicOrigin);
      return { status: 'signed_in', customer: viewCustomer(deps, result.customer) };
    },
  );

  app.post('/api/v1/logout', { schema: { body: body({}) } }, async (request, reply) => {
    const session = await resolveSession(deps, request.cookies[SESSION_COOKIE]);
    if (session) await endSession(deps, session.id);
    clearSessionCookie(reply);
    return reply.code(204).send();
  });

  app.get('/api/v1/me', { preValidation: requireCustomer(deps) }, async (request) => viewCustomer(deps, request.customer!));
}
