import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { remindLoginId } from '../../../domain/recovery/login-id.js';
import { completePasswordRecovery, sendRecoveryCode, startPasswordRecovery, startRecoveryPasskey, type RecoveryProof } from '../../../domain/recovery/password-recovery.js';
import { answer } from '../../answer.js';
import { relyingPartyOf } from '../../relying-party.js';
import { body, idParams, secret, text } from '../../schemas.js';
import { clientOf } from '../../session.js';

/** パスワード・ログインIDをお忘れの方: open routes, one answer for known and unknown IDs. */
export function recoveryRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { config } = kabuto;

  app.post<{ Body: { loginId: string } }>('/api/v1/recovery/password', { schema: { body: body({ loginId: text(256, 1) }, ['loginId']) } }, async (request, reply) =>
    answer(request, reply, await startPasswordRecovery(request.deps, request.body.loginId, clientOf(request))),
  );

  app.post<{ Params: { id: string } }>('/api/v1/recovery/password/:id/sms', { schema: { params: idParams, body: body({}) } }, async (request, reply) =>
    answer(request, reply, await sendRecoveryCode(request.deps, request.params.id)),
  );

  app.post<{ Params: { id: string } }>('/api/v1/recovery/password/:id/passkey-options', { schema: { params: idParams, body: body({}) } }, async (request, reply) =>
    answer(request, reply, await startRecoveryPasskey(request.deps, relyingPartyOf(request, config), request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: RecoveryProof }>(
    '/api/v1/recovery/password/:id/complete',
    {
      schema: {
        params: idParams,
        body: body({ newPassword: secret, passkey: { type: 'object' }, smsCode: text(32), recoveryCode: text(64), tradingPassword: secret }, ['newPassword']),
      },
    },
    async (request, reply) => answer(request, reply, await completePasswordRecovery(request.deps, relyingPartyOf(request, config), request.params.id, request.body, clientOf(request))),
  );

  app.post<{ Body: { email: string } }>('/api/v1/recovery/login-id', { schema: { body: body({ email: text(254, 3) }, ['email']) } }, async (request, reply) =>
    answer(request, reply, await remindLoginId(request.deps, request.body.email, clientOf(request))),
  );
}
