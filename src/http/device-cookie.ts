import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '../domain/sign-in.js';
import { clientOf, isSecureRequest } from './session.js';

/** The long-lived device cookie: how a sign-in from a device never seen before is told apart. */
export const DEVICE_COOKIE = 'kabuto_device';
const MAX_AGE_SECONDS = 400 * 24 * 3600; // the longest browsers keep a cookie

export function clientWithDevice(request: FastifyRequest): Client {
  return { ...clientOf(request), deviceToken: request.cookies[DEVICE_COOKIE] };
}

export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, token: string, publicOrigin: string | undefined): void {
  reply.setCookie(DEVICE_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: MAX_AGE_SECONDS, secure: isSecureRequest(request, publicOrigin) });
}
