import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { signOut } from '../../../domain/sessions/sessions.js';
import { signIn } from '../../../domain/sign-in/sign-in.js';
import { answer } from '../../answer.js';
import { clientWithDevice } from '../../device-cookie.js';
import { body, secret, text } from '../../schemas.js';
import { clearSessionCookie, sessionOf } from '../../session.js';
import { signedIn } from '../../signed-in.js';

/** ログイン and ログアウト: the password step (a second factor, when required, goes on at the challenge). */
export function loginRoutes(app: FastifyInstance, kabuto: Kabuto): void {

  app.post<{ Body: { loginId: string; password: string } }>(
    '/api/v1/login',
    { schema: { body: body({ loginId: text(256, 1), password: secret }, ['loginId', 'password']) } },
    async (request, reply) =>
      answer(request, reply, await signIn(request.deps, request.body, clientWithDevice(request)), (result) =>
        result.status === 'second_factor_required' ? { status: result.status, challenge: result.challenge } : signedIn(kabuto, request, reply, result),
      ),
  );

  app.post('/api/v1/logout', { schema: { body: body({}) } }, async (request, reply) => {
    const session = await sessionOf(request.deps, request);
    if (session) await signOut(request.deps, session);
    clearSessionCookie(reply);
    return reply.code(204).send();
  });
}
