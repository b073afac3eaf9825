import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { FREEZE_LEVELS, freeze, liftSignInFreezeWithPasskey, startSignInUnfreeze, startUnfreezeByPasskey, unfreeze, viewFreeze, type FreezeLevel } from '../../../domain/protection/freeze.js';
import { redeemFreezeCode, reportNotMe } from '../../../domain/protection/not-me.js';
import { answer } from '../../answer.js';
import { relyingPartyOf } from '../../relying-party.js';
import { body, text } from '../../schemas.js';
import { clearSessionCookie, clientOf } from '../../session.js';

export const levelsSchema = { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: { type: 'string', enum: [...FREEZE_LEVELS] } };

/** 取引制限 / ログイン一時停止 and 「心当たりがない」 (registered inside the signed-in scope). */
export function protectionRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { config } = kabuto;

  app.get('/api/v1/protection', async (request) => viewFreeze(request.deps, request.customer!));

  app.post<{ Body: { levels: FreezeLevel[] } }>('/api/v1/protection/freeze', { schema: { body: body({ levels: levelsSchema }, ['levels']) } }, async (request, reply) => {
    await freeze(request.deps, request.customer!, request.body.levels, 'customer');
    // Freezing sign-in ended this session too.
    if (request.body.levels.includes('sign_in')) clearSessionCookie(reply);
    return viewFreeze(request.deps, request.customer!);
  });

  app.post<{ Body: { levels: FreezeLevel[] } }>('/api/v1/protection/unfreeze/options', { schema: { body: body({ levels: levelsSchema }, ['levels']) } }, async (request, reply) =>
    answer(request, reply, await startUnfreezeByPasskey(request.deps, relyingPartyOf(request, config), request.customer!, request.session!, request.body.levels)),
  );

  app.post<{ Body: { levels: FreezeLevel[]; response: unknown } }>(
    '/api/v1/protection/unfreeze',
    { schema: { body: body({ levels: levelsSchema, response: { type: 'object' } }, ['levels', 'response']) } },
    async (request, reply) =>
      answer(
        request,
        reply,
        await unfreeze(request.deps, request.customer!, { by: 'passkey', levels: request.body.levels, rp: relyingPartyOf(request, config), response: request.body.response, session: request.session! }),
      ),
  );

  app.post('/api/v1/protection/not-me', { schema: { body: body({}) } }, async (request, reply) => {
    const result = await reportNotMe(request.deps, request.customer!, 'portal', clientOf(request));
    clearSessionCookie(reply);
    return result;
  });
}

/** The sign-in page's 緊急停止: a notice's freeze code with the login ID, no password (an open route). */
export function freezeCodeRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { config } = kabuto;

  // ログイン一時停止の解除 from the sign-in page: a discoverable passkey, no session (none can be had).
  app.post('/api/v1/protection/unfreeze-sign-in/options', { schema: { body: body({}) } }, async (request) => startSignInUnfreeze(request.deps, relyingPartyOf(request, config)));
  app.post<{ Body: { response: unknown } }>('/api/v1/protection/unfreeze-sign-in', { schema: { body: body({ response: { type: 'object' } }, ['response']) } }, async (request, reply) =>
    answer(request, reply, await liftSignInFreezeWithPasskey(request.deps, relyingPartyOf(request, config), request.body.response, clientOf(request))),
  );

  app.post<{ Body: { loginId: string; code: string; notMe?: boolean } }>(
    '/api/v1/protection/freeze-code',
    { schema: { body: body({ loginId: text(256, 1), code: text(32, 1), notMe: { type: 'boolean' } }, ['loginId', 'code']) } },
    async (request, reply) => answer(request, reply, await redeemFreezeCode(request.deps, request.body, clientOf(request))),
  );
}
