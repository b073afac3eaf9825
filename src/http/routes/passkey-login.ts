import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { viewCustomer } from '../../domain/customers/customers.js';
import { isFailure } from '../../domain/kernel/errors.js';
import { signInWithPasskey, startPasskeyLogin } from '../../domain/sign-in/passkey-login.js';
import { endSession, resolveSession } from '../../domain/sessions/sessions.js';
import { clientWithDevice, setDeviceCookie } from '../device-cookie.js';
import { sendFailure } from '../failures.js';
import { relyingPartyOf } from '../relying-party.js';
import { body } from '../schemas.js';
import { SESSION_COOKIE, setSessionCookie } from '../session.js';

/** パスキーでログイン: a discoverable passkey with user verification signs in alone. */
export function passkeyLoginRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { deps, config } = kabuto;

  app.post('/api/v1/login/passkey-options', { schema: { body: body({}) } }, async (request) => startPasskeyLogin(deps, relyingPartyOf(request, config)));

  app.post<{ Body: { response: unknown } }>(
    '/api/v1/login/passkey',
    { schema: { body: body({ response: { type: 'object' } }, ['response']) } },
    async (request, reply) => {
      const result = await signInWithPasskey(deps, relyingPartyOf(request, config), request.body.response, clientWithDevice(request));
      if (isFailure(result)) return sendFailure(request, reply, result);
      // Rotation: whatever session the client held before is ended, never promoted.
      const previous = await resolveSession(deps, request.cookies[SESSION_COOKIE]);
      if (previous) await endSession(deps, previous.id);
      setSessionCookie(request, reply, result.token, config.publicOrigin);
      setDeviceCookie(request, reply, result.deviceToken, config.publicOrigin);
      return { status: 'signed_in', customer: viewCustomer(deps, result.customer) };
    },
  );
}
