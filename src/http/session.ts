import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../domain/kernel/context.js';
import { fail } from '../domain/kernel/errors.js';
import { resolveSession } from '../domain/sessions/sessions.js';
import { customerOfSession } from '../domain/sessions/signed-in.js';
import type { CustomerRecord, SessionRecord } from '../domain/kernel/types.js';
import { sendFailure } from './failures.js';

export const SESSION_COOKIE = 'kabuto_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the signed-in scope's hook (routes/index.ts) on every route inside it; null elsewhere. */
    session: SessionRecord | null;
    customer: CustomerRecord | null;
    /** The cookie's session as `sessionOf` resolved it, once per request; null until asked. */
    sessionLookup: Promise<SessionRecord | undefined> | null;
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

// The one place a request's session cookie is read and resolved: at most once per request. Kept on the
// request (a decoration declared in app.ts), not in a WeakMap keyed by it: a WeakMap entry per request
// cost every signed-in read about 6 % of its CPU in the bench (3 alternating runs of /me).

/**
 * The live session behind the request's cookie, or undefined. Routes anyone may call (sign-in, sign-out,
 * challenges) ask for it when they need it; the signed-in scope's hook asks for every route inside it.
 */
export function sessionOf(deps: Deps, request: FastifyRequest): Promise<SessionRecord | undefined> {
  return (request.sessionLookup ??= resolveSession(deps, request.cookies[SESSION_COOKIE]));
}

/**
 * The live session behind the session cookie of a request Fastify does not parse (the OpenID Provider's
 * own requests, answered by its Koa app): over https only the `__Host-` cookie counts, as for every request.
 */
export function sessionOfCookies(deps: Deps, read: (name: string) => string | undefined, publicOrigin: string | undefined): Promise<SessionRecord | undefined> {
  const secure = publicOrigin?.startsWith('https://') ?? false;
  return resolveSession(deps, read(secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE));
}

/**
 * The signed-in scope's hook: a live session and its customer on the request, or 401 unauthenticated
 * (and a stale cookie cleared). A preValidation hook: authentication comes before validation, so a
 * stranger learns nothing about a route from its 400s.
 */
export function authenticate(deps: Deps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await sessionOf(deps, request);
    // GET and HEAD change nothing: their customer may come from the session cache.
    const customer = session && (await customerOfSession(deps, session, { fresh: request.method !== 'GET' && request.method !== 'HEAD' }));
    if (!session || !customer) {
      if (request.cookies[SESSION_COOKIE]) clearSessionCookie(reply);
      return sendFailure(request, reply, fail('unauthenticated'));
    }
    request.session = session;
    request.customer = customer;
  };
}
