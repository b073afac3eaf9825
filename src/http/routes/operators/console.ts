import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { finishOperatorEnrolment, signInOperator, startOperatorEnrolment, startOperatorSignIn } from '../../../domain/operators/operator-passkeys.js';
import { endOperatorSession, resolveOperatorSession } from '../../../domain/operators/operator-sessions.js';
import { viewOperator } from '../../../domain/operators/operators.js';
import type { OperatorRecord } from '../../../domain/kernel/operator-store.js';
import { consoleCookieName } from '../../admin-scope.js';
import { answer } from '../../answer.js';
import { relyingPartyOf } from '../../relying-party.js';
import { body, text } from '../../schemas.js';
import { clientOf, isSecureRequest } from '../../session.js';

// The console's own door: operators sign in with a passkey (their first one registered with the one-time
// enrolment code the CLI printed) and get the console cookie, which adminScope reads.

export function consoleRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { config } = kabuto;
  const signedIn = (request: FastifyRequest, reply: FastifyReply, result: { token: string; operator: OperatorRecord }) => {
    const secure = isSecureRequest(request, config.publicOrigin);
    // Strict: the console is never reached by a link from elsewhere.
    reply.setCookie(consoleCookieName(request, config), result.token, { httpOnly: true, sameSite: 'strict', path: '/', secure });
    return { status: 'signed_in', operator: viewOperator(result.operator) };
  };
  const code = text(32, 8);

  app.post('/api/console/passkey-options', { schema: { body: body({}) } }, async (request) => startOperatorSignIn(request.deps, relyingPartyOf(request, config)));

  app.post<{ Body: { response: unknown } }>('/api/console/sign-in', { schema: { body: body({ response: { type: 'object' } }, ['response']) } }, async (request, reply) =>
    answer(request, reply, await signInOperator(request.deps, relyingPartyOf(request, config), request.body.response, clientOf(request)), (result) => signedIn(request, reply, result)),
  );

  app.post<{ Body: { code: string } }>('/api/console/enrolment/options', { schema: { body: body({ code }, ['code']) } }, async (request, reply) =>
    answer(request, reply, await startOperatorEnrolment(request.deps, relyingPartyOf(request, config), request.body.code)),
  );

  app.post<{ Body: { code: string; response: unknown } }>('/api/console/enrolment', { schema: { body: body({ code, response: { type: 'object' } }, ['code', 'response']) } }, async (request, reply) =>
    answer(request, reply, await finishOperatorEnrolment(request.deps, relyingPartyOf(request, config), request.body.code, request.body.response, clientOf(request)), (result) =>
      signedIn(request, reply, result),
    ),
  );

  app.post('/api/console/sign-out', { schema: { body: body({}) } }, async (request, reply) => {
    const name = consoleCookieName(request, config);
    const current = await resolveOperatorSession(request.deps, request.cookies[name]);
    if (current) await endOperatorSession(request.deps, current.session.id);
    reply.clearCookie(name, { path: '/', secure: name.startsWith('__Host-') });
    return reply.code(204).send();
  });
}
