import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import type { Kabuto } from '../../../kabuto.js';
import { viewRecoveryCodes } from '../../../domain/factors/recovery-codes.js';
import type { FactorChangeRequest } from '../../../domain/settings/factor-change.js';
import { listPasskeys, totpStatus } from '../../../domain/settings/factor-status.js';
import { finishPasskeyRegistration, removePasskey, startPasskeyRegistration } from '../../../domain/settings/passkey-registration.js';
import { generateRecoveryCodes } from '../../../domain/settings/recovery-codes.js';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../../domain/settings/totp-enrolment.js';
import { answer, created } from '../../answer.js';
import { relyingPartyOf } from '../../relying-party.js';
import { body, challengeId, secret, text } from '../../schemas.js';

const factorChange = body({ tradingPassword: secret, challengeId }, ['tradingPassword']);
const credentialParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$' } }, required: ['id'] };

/** Enrolment of authenticator apps, passkeys and recovery codes (registered inside the signed-in scope). */
export function factorRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { config } = kabuto;

  app.get('/api/v1/settings/totp', async (request) => totpStatus(request.deps, request.customer!.id));

  // The secret leaves the server once, in this answer: as a QR code and as text to type in.
  app.post<{ Body: FactorChangeRequest }>('/api/v1/settings/totp', { schema: { body: factorChange } }, async (request, reply) =>
    answer(request, reply, await startTotpEnrolment(request.deps, request.customer!, request.session!, request.body), async (result) => ({
      ...result,
      qrCode: await QRCode.toDataURL(result.uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }),
    })),
  );

  app.post<{ Body: { code: string } }>(
    '/api/v1/settings/totp/confirm',
    { schema: { body: body({ code: { type: 'string', maxLength: 64 } }, ['code']) } },
    async (request, reply) => answer(request, reply, await confirmTotpEnrolment(request.deps, request.customer!, request.session!, request.body.code)),
  );

  app.get('/api/v1/settings/passkeys', async (request) => listPasskeys(request.deps, request.customer!.id));

  app.post<{ Body: FactorChangeRequest }>('/api/v1/settings/passkeys/options', { schema: { body: factorChange } }, async (request, reply) =>
    answer(request, reply, await startPasskeyRegistration(request.deps, request.customer!, request.session!, relyingPartyOf(request, config), request.body)),
  );

  app.post<{ Body: { name: string; response: unknown } }>(
    '/api/v1/settings/passkeys',
    { schema: { body: body({ name: text(64, 1), response: { type: 'object' } }, ['name', 'response']) } },
    async (request, reply) => created(request, reply, await finishPasskeyRegistration(request.deps, request.customer!, request.session!, relyingPartyOf(request, config), request.body)),
  );

  app.delete<{ Params: { id: string }; Body: FactorChangeRequest }>(
    '/api/v1/settings/passkeys/:id',
    { schema: { params: credentialParams, body: factorChange } },
    async (request, reply) => answer(request, reply, await removePasskey(request.deps, request.customer!, request.session!, request.params.id, request.body)),
  );

  app.get('/api/v1/settings/recovery-codes', async (request) => viewRecoveryCodes(request.deps, request.customer!.id));

  // Shown once: only their hashes are kept. A new set kills the old one.
  app.post<{ Body: FactorChangeRequest }>('/api/v1/settings/recovery-codes', { schema: { body: factorChange } }, async (request, reply) =>
    created(request, reply, await generateRecoveryCodes(request.deps, request.customer!, request.session!, request.body)),
  );
}
