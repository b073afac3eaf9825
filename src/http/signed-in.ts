import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../kabuto.js';
import { viewCustomer } from '../domain/customers/customers.js';
import { endSession } from '../domain/sessions/sessions.js';
import type { CustomerRecord } from '../domain/kernel/types.js';
import { setDeviceCookie } from './device-cookie.js';
import { sessionOf, setSessionCookie } from './session.js';

/**
 * "Signed in", the same for a password, a passkey and a verified login challenge: whatever session the
 * client held before is ended (rotation: never promoted), the new session's and the device's cookies
 * are set, and the answer names the customer. `extra` adds fields (recovery codes left).
 */
export async function signedIn(
  kabuto: Pick<Kabuto, 'config'>,
  request: FastifyRequest,
  reply: FastifyReply,
  result: { customer: CustomerRecord; token: string; deviceToken: string },
  extra: Record<string, unknown> = {},
) {
  const { config } = kabuto;
  const { deps } = request;
  const previous = await sessionOf(deps, request);
  if (previous) await endSession(deps, previous.id);
  setSessionCookie(request, reply, result.token, config.publicOrigin);
  setDeviceCookie(request, reply, result.deviceToken, config.publicOrigin);
  return { status: 'signed_in' as const, customer: viewCustomer(deps, result.customer), ...extra };
}
