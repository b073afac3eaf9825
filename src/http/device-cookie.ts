import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '../domain/sign-in/sign-in.js';
import { clientOf, isSecureRequest, SESSION_COOKIE } from './session.js';

/** The long-lived device cookie: how a sign-in from a device never seen before is told apart. */
export const DEVICE_COOKIE = 'kabuto_device';
const MAX_AGE_SECONDS = 400 * 24 * 3600; // the longest browsers keep a cookie

/**
 * Over https the cookies carry the `__Host-` prefix: the browser keeps them only when Secure, for
 * path `/` and with no Domain, so a sibling subdomain or a plain-http page cannot plant or overwrite
 * them. Over http (development, tests) the plain names stay.
 */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

export function clientWithDevice(request: FastifyRequest): Client {
  // The plain name is still read (a device cookie set before the prefix): its token counts only if
  // the server issued it, or the customer registered it before (new-device.ts).
  const token = request.cookies[cookieName(DEVICE_COOKIE, true)] ?? request.cookies[DEVICE_COOKIE];
  return { ...clientOf(request), deviceToken: token };
}

export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, token: string, publicOrigin: string | undefined): void {
  const secure = isSecureRequest(request, publicOrigin);
  reply.setCookie(cookieName(DEVICE_COOKIE, secure), token, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: MAX_AGE_SECONDS, secure });
  if (secure && request.cookies[DEVICE_COOKIE] !== undefined) reply.clearCookie(DEVICE_COOKIE, { path: '/' });
}

/**
 * With an https origin, the session is read from its `__Host-` cookie only: a plain `kabuto_session`
 * could have been planted by a sibling subdomain (session fixation). session.ts keeps reading
 * `request.cookies[SESSION_COOKIE]`; this hook puts the prefixed cookie's value there.
 */
export function registerCookieNames(app: FastifyInstance, publicOrigin: string | undefined): void {
  if (!publicOrigin?.startsWith('https://')) return;
  const secureName = cookieName(SESSION_COOKIE, true);
  app.addHook('onRequest', async (request) => {
    const value = request.cookies[secureName];
    if (value === undefined) delete request.cookies[SESSION_COOKIE];
    else request.cookies[SESSION_COOKIE] = value;
  });
}
