import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { sendChallengeCode } from '../../domain/challenges/send.js';
import { verifyChallenge, type VerifyInput } from '../../domain/challenges/verify.js';
import { viewCustomer } from '../../domain/customers/customers.js';
import { fail, isFailure } from '../../domain/kernel/errors.js';
import { endSession, resolveSession, rotateSession } from '../../domain/sessions/sessions.js';
import { completeSignIn } from '../../domain/sign-in/sign-in.js';
import { sendFailure } from '../failures.js';
import { body, enumOf, idParams } from '../schemas.js';
import { SESSION_COOKIE, setSessionCookie } from '../session.js';
import { clientWithDevice, setDeviceCookie } from '../device-cookie.js';
import { relyingPartyOf } from '../relying-party.js';

export function challengeRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { deps, config } = kabuto;
  /** A login challenge belongs to whoever passed the password; any other to the signed-in customer. */
  const requesterOf = async (request: FastifyRequest) => {
    const session = await resolveSession(deps, request.cookies[SESSION_COOKIE]);
    return { customerId: session?.customerId ?? null, session };
  };

  for (const channel of ['sms', 'voice'] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/challenges/:id/${channel}`,
      { schema: { params: idParams, body: body({}) } },
      async (request, reply) => {
        const result = await sendChallengeCode(deps, request.params.id, channel, await requesterOf(request));
        if (isFailure(result)) return sendFailure(request, reply, result);
        return result;
      },
    );
  }

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
      const result = await verifyChallenge(deps, request.params.id, input, requester);
      if (isFailure(result)) return sendFailure(request, reply, result);
      const extra = result.recoveryCodesLeft !== undefined ? { recoveryCodesLeft: result.recoveryCodesLeft } : {};
      if (result.challenge.purpose !== 'login') {
        if (requester.session) setSessionCookie(request, reply, (await rotateSession(deps, requester.session)).token, config.publicOrigin);
        return { status: 'verified', ...extra };
      }
      if (requester.session) await endSession(deps, requester.session.id);
      // The session carries the credential version the password was checked against, not today's.
      const version = result.challenge.data.credentialVersion;
      if (typeof version !== 'number' || version < result.customer.credentialVersion) return sendFailure(request, reply, fail('challenge_expired'));
      const signedIn = await completeSignIn(deps, result.customer, clientWithDevice(request), version);
      setSessionCookie(request, reply, signedIn.token, config.publicOrigin);
      setDeviceCookie(request, reply, signedIn.deviceToken, config.publicOrigin);
      return { status: 'signed_in', customer: viewCustomer(deps, result.customer), ...extra };
    },
  );
}
