import type { AuthenticatorTransport } from '@simplewebauthn/server';

// What every WebAuthn ceremony shares: who the relying party is, and how long its random
// challenge lives (in the database, used once).

export interface RelyingParty {
  /** The registrable domain the passkeys are bound to (KABUTO_PUBLIC_ORIGIN's host). */
  id: string;
  /** The exact origin the browser must report. */
  origin: string;
  name: string;
}

export const WEBAUTHN_TIMEOUT_MS = 5 * 60_000;

/** The challenge the browser signed, read from clientDataJSON; undefined for anything malformed. */
export function challengeOfResponse(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const clientDataJSON = (response as { response?: { clientDataJSON?: unknown } }).response?.clientDataJSON;
  if (typeof clientDataJSON !== 'string' || clientDataJSON.length > 4096) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' && parsed.challenge.length <= 128 ? parsed.challenge : undefined;
  } catch {
    return undefined;
  }
}

export function credentialIdOf(response: unknown): string | undefined {
  const id = typeof response === 'object' && response !== null ? (response as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= 1024 ? id : undefined;
}

export function asTransports(transports: string[]): AuthenticatorTransport[] {
  return transports as AuthenticatorTransport[];
}
