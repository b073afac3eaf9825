import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../domain/kernel/context.js';
import { fail } from '../domain/kernel/errors.js';
import { resolveSession } from '../domain/sessions/sessions.js';
import type { CustomerRecord, SessionRecord } from '../domain/kernel/types.js';
import { sendFailure } from './failures.js';

export const SESSION_COOKIE = 'kabuto_session';

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionRecord | null;
    customer: CustomerRecord | null;
  }
}

export function isSecureRequest(request: FastifyRequest, publicOrigin: string | undefined): boolean {
  return publicOrigin ? publicOrigin.startsWith('https://') : request.protocol === 'https';
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, publicOrigin: string | undefined): void {
  const secure = isSecureRequest(request, publicOrigin);
  // `__Host-kabuto_session` over https (device-cookie.ts registerCookieNames).
  reply.setCookie(secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(`__Host-${SESSION_COOKIE}`, { path: '/', secure: true });
}

export function clientOf(request: FastifyRequest) {
  const agent = request.headers['user-agent'];
  return { address: request.ip, userAgent: typeof agent === 'string' ? agent : '' };
}

/** preValidation hook for customer routes: a live session and its customer, or 401 unauthenticated. */
export function requireCustomer(deps: Deps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await resolveSession(deps, request.cookies[SESSION_COOKIE]);
    const customer = session && (await deps.store.customers.findById(session.customerId));
    if (!session || !customer) {
      if (request.cookies[SESSION_COOKIE]) clearSessionCookie(reply);
      return sendFailure(request, reply, fail('unauthenticated'));
    }
    request.session = session;
    request.customer = customer;
  };
}
