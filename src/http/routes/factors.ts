import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { Kabuto } from '../../kabuto.js';
import { startChallengePasskey } from '../../domain/challenges/passkey.js';
import { isFailure } from '../../domain/kernel/errors.js';
import type { FactorChangeRequest } from '../../domain/settings/factor-change.js';
import { finishPasskeyRegistration, removePasskey, startPasskeyRegistration, viewPasskey } from '../../domain/settings/passkey-registration.js';
import { viewRecoveryCodes } from '../../domain/factors/recovery-codes.js';
import { generateRecoveryCodes } from '../../domain/settings/recovery-codes.js';
import { resolveSession } from '../../domain/sessions/sessions.js';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../domain/settings/totp-enrolment.js';
import { sendFailure } from '../failures.js';
import { relyingPartyOf } from '../relying-party.js';
import { body, challengeId, idParams, secret, text } from '../schemas.js';
import { requireCustomer, SESSION_COOKIE } from '../session.js';

const factorChange = body({ tradingPassword: secret, challengeId }, ['tradingPassword']);
const credentialParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$' } }, required: ['id'] };

/** Enrolment of authenticator apps, passkeys and recovery codes; passkey options for a challenge. */
export function factorRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { deps, config } = kabuto;
  const preValidation = requireCustomer(deps);

  app.get('/api/v1/settings/totp', { preValidation }, async (request) => {
    const record = await deps.store.factors.findTotp(request.customer!.id);
    return { enrolled: Boolean(record?.secretEnc), pending: Boolean(record?.pendingEnc) };
  });

  // The secret leaves the server once, in this answer: as a QR code and as text to type in.
  app.post<{ Body: FactorChangeRequest }>('/api/v1/settings/totp', { preValidation, schema: { body: factorChange } }, async (request, reply) => {
    const result = await startTotpEnrolment(deps, request.customer!, request.session!, request.body);
    if (isFailure(result)) return sendFailure(request, reply, result);
    return { ...result, qrCode: await QRCode.toDataURL(result.uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }) };
  });

  app.post<{ Body: { code: string } }>(
    '/api/v1/settings/totp/confirm',
    { preValidation, schema: { body: body({ code: { type: 'string', maxLength: 64 } }, ['code']) } },
    async (request, reply) => {
      const result = await confirmTotpEnrolment(deps, request.customer!, request.session!, request.body.code);
      return isFailure(result) ? sendFailure(request, reply, result) : result;
    },
  );

  app.get('/api/v1/settings/passkeys', { preValidation }, async (request) => ({
    passkeys: (await deps.store.factors.listPasskeys(request.customer!.id)).map((p) => viewPasskey(p, deps)),
  }));

  app.post<{ Body: FactorChangeRequest }>('/api/v1/settings/passkeys/options', { preValidation, schema: { body: factorChange } }, async (request, reply) => {
    const result = await startPasskeyRegistration(deps, request.customer!, request.session!, relyingPartyOf(request, config), request.body);
    return isFailure(result) ? sendFailure(request, reply, result) : result;
  });

  app.post<{ Body: { name: string; response: unknown } }>(
    '/api/v1/settings/passkeys',
    { preValidation, schema: { body: body({ name: text(64, 1), response: { type: 'object' } }, ['name', 'response']) } },
    async (request, reply) => {
      const result = await finishPasskeyRegistration(deps, request.customer!, request.session!, relyingPartyOf(request, config), request.body);
      return isFailure(result) ? sendFailure(request, reply, result) : reply.code(201).send(result);
    },
  );

  app.delete<{ Params: { id: string }; Body: FactorChangeRequest }>(
    '/api/v1/settings/passkeys/:id',
    { preValidation, schema: { params: credentialParams, body: factorChange } },
    async (request, reply) => {
      const result = await removePasskey(deps, request.customer!, request.session!, request.params.id, request.body);
      return isFailure(result) ? sendFailure(request, reply, result) : result;
    },
  );

  app.get('/api/v1/settings/recovery-codes', { preValidation }, async (request) => viewRecoveryCodes(deps, request.customer!.id));

  // Shown once: only their hashes are kept. A new set kills the old one.
  app.post<{ Body: FactorChangeRequest }>('/api/v1/settings/recovery-codes', { preValidation, schema: { body: factorChange } }, async (request, reply) => {
    const result = await generateRecoveryCodes(deps, request.customer!, request.session!, request.body);
    return isFailure(result) ? sendFailure(request, reply, result) : reply.code(201).send(result);
  });

  app.post<{ Params: { id: string } }>(
    '/api/v1/challenges/:id/passkey-options',
    { schema: { params: idParams, body: body({}) } },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const session = await resolveSession(deps, request.cookies[SESSION_COOKIE]);
      const result = await startChallengePasskey(deps, relyingPartyOf(request, config), request.params.id, { customerId: session?.customerId ?? null });
      return isFailure(result) ? sendFailure(request, reply, result) : result;
    },
  );
}
