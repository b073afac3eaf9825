import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { startChallengePasskey } from '../../../domain/challenges/passkey.js';
import { sendChallengeCode } from '../../../domain/challenges/send.js';
import { verifyChallenge, type VerifyInput } from '../../../domain/challenges/verify.js';
import { fail } from '../../../domain/kernel/errors.js';
import { rotateSession } from '../../../domain/sessions/sessions.js';
import { completeSignIn } from '../../../domain/sign-in/sign-in.js';
import { amrOfMethod, mergeAmr } from '../../../domain/federation/assurance.js';
import { answer } from '../../answer.js';
import { clientWithDevice } from '../../device-cookie.js';
import { relyingPartyOf } from '../../relying-party.js';
import { body, enumOf, idParams } from '../../schemas.js';
import { sessionOf, setSessionCookie } from '../../session.js';
import { signedIn } from '../../signed-in.js';

/** A second factor's check: codes sent, a passkey's options, the verification (a login's or a step-up's). */
export function challengeRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { config } = kabuto;
  /** A login challenge belongs to whoever passed the password; any other to the signed-in customer. */
  const requesterOf = async (request: FastifyRequest) => {
    const session = await sessionOf(request.deps, request);
    return { customerId: session?.customerId ?? null, session };
  };

  for (const channel of ['sms', 'voice'] as const) {
    app.post<{ Params: { id: string } }>(`/api/v1/challenges/:id/${channel}`, { schema: { params: idParams, body: body({}) } }, async (request, reply) =>
      answer(request, reply, await sendChallengeCode(request.deps, request.params.id, channel, await requesterOf(request))),
    );
  }

  app.post<{ Params: { id: string } }>('/api/v1/challenges/:id/passkey-options', { schema: { params: idParams, body: body({}) } }, async (request, reply) => {
    const { customerId } = await requesterOf(request);
    return answer(request, reply, await startChallengePasskey(request.deps, relyingPartyOf(request, config), request.params.id, { customerId }));
  });

  app.post<{ Params: { id: string }; Body: VerifyInput }>(
    '/api/v1/challenges/:id/verify',
    {
      schema: {
        params: idParams,
        body: body(
          {
            method: enumOf('sms', 'voice', 'totp', 'passkey', 'recovery_code'),
            code: { type: 'string', maxLength: 64 },
            response: { type: 'object' },
          },
          ['method'],
        ),
      },
    },
    async (request, reply) => {
      const requester = await requesterOf(request);
      const input = { ...request.body, relyingParty: relyingPartyOf(request, config) };
      return answer(request, reply, await verifyChallenge(request.deps, request.params.id, input, requester), async (result) => {
        const extra = result.recoveryCodesLeft !== undefined ? { recoveryCodesLeft: result.recoveryCodesLeft } : {};
        if (result.challenge.purpose !== 'login') {
          // A step-up passed: the session gets a fresh token (a copied cookie dies here).
          if (requester.session) setSessionCookie(request, reply, (await rotateSession(request.deps, requester.session)).token, config.publicOrigin);
          return { status: 'verified', ...extra };
        }
        // The session carries the credential version the password was checked against, not today's.
        const version = result.challenge.data.credentialVersion;
        if (typeof version !== 'number' || version < result.customer.credentialVersion) return fail('challenge_expired');
        // How it was authenticated (RFC 8176), for the OpenID Provider's acr and amr: the password and this factor.
        const completed = await completeSignIn(request.deps, result.customer, clientWithDevice(request), version, mergeAmr(['pwd'], amrOfMethod(request.body.method)));
        return signedIn(kabuto, request, reply, completed, extra);
      });
    },
  );
}
