import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { RelyingParty } from '../domain/factors/passkey-ceremony.js';

/**
 * Passkeys are bound to KABUTO_PUBLIC_ORIGIN's host. Without it (development) the request's Host is
 * used: harmless, since a browser only ever signs for the origin it really is on, and a passkey
 * made for our host cannot be exercised from another.
 */
export function relyingPartyOf(request: FastifyRequest, config: Config): RelyingParty {
  if (config.publicOrigin) {
    const url = new URL(config.publicOrigin);
    return { id: url.hostname, origin: url.origin, name: config.firmName };
  }
  return { id: request.hostname, origin: `${request.protocol}://${request.host}`, name: config.firmName };
}
