import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { signInWithPasskey, startPasskeyLogin } from '../../../domain/sign-in/passkey-login.js';
import { answer } from '../../answer.js';
import { clientWithDevice } from '../../device-cookie.js';
import { relyingPartyOf } from '../../relying-party.js';
import { body } from '../../schemas.js';
import { signedIn } from '../../signed-in.js';

/** パスキーでログイン: a discoverable passkey with user verification signs in alone. */
export function passkeyLoginRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { config } = kabuto;

  app.post('/api/v1/login/passkey-options', { schema: { body: body({}) } }, async (request) => startPasskeyLogin(request.deps, relyingPartyOf(request, config)));

  app.post<{ Body: { response: unknown } }>(
    '/api/v1/login/passkey',
    { schema: { body: body({ response: { type: 'object' } }, ['response']) } },
    async (request, reply) =>
      answer(request, reply, await signInWithPasskey(request.deps, relyingPartyOf(request, config), request.body.response, clientWithDevice(request)), (result) =>
        signedIn(kabuto, request, reply, result),
      ),
  );
}
