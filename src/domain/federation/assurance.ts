import type { SessionRecord } from '../kernel/types.js';

// Assurance in the tokens (docs/oidc.md). Kabuto's acr values, weakest first: each one satisfies a request
// for itself or a weaker one. The amr values are RFC 8176's, kept on the session from how it signed in
// (SessionRecord.amr) and added to by a step-up at the provider's sign-in screen.

export const ACR = {
  /** The login password alone. */
  pwd: 'urn:kabuto:acr:pwd',
  /** The password and a second factor (an SMS or voice code, an app's code, a recovery code), or a passkey. */
  twoFactor: 'urn:kabuto:acr:2fa',
  /** Phishing resistant: a passkey (a code typed into a look-alike site can be relayed; a passkey cannot). */
  phishingResistant: 'urn:kabuto:acr:phr',
} as const;

export type Acr = (typeof ACR)[keyof typeof ACR];

/** Weakest first. */
export const ACR_VALUES: readonly Acr[] = [ACR.pwd, ACR.twoFactor, ACR.phishingResistant];

/** The second-factor method a challenge was answered with, as RFC 8176 names it. */
export function amrOfMethod(method: 'sms' | 'voice' | 'totp' | 'passkey' | 'recovery_code'): string[] {
  switch (method) {
    case 'sms':
      return ['sms'];
    case 'voice':
      return ['tel'];
    case 'totp':
      return ['otp'];
    case 'passkey':
      return ['hwk', 'user'];
    case 'recovery_code':
      // A one-time code from a printed list: a one-time password (RFC 8176 `otp`).
      return ['otp'];
  }
}

/** A session's amr list (older sessions, signed in before it was kept: the password alone). */
export function amrOfSession(session: Pick<SessionRecord, 'amr'>): string[] {
  const amr = session.amr?.split(' ').filter(Boolean);
  return amr && amr.length > 0 ? amr : ['pwd'];
}

/** amr lists merged, duplicates once, `mfa` when more than one factor took part. */
export function mergeAmr(...lists: readonly (readonly string[])[]): string[] {
  const merged = new Set(lists.flat());
  merged.delete('mfa');
  const factors = [...merged].filter((value) => value !== 'user');
  const hasPasskey = merged.has('hwk') || merged.has('swk');
  if (factors.length > 1 || (hasPasskey && merged.has('user'))) merged.add('mfa');
  return [...merged];
}

/** What the authentication behind an amr list is worth. */
export function acrOfAmr(amr: readonly string[]): Acr {
  if (amr.includes('hwk') || amr.includes('swk')) return ACR.phishingResistant;
  if (amr.includes('mfa')) return ACR.twoFactor;
  return ACR.pwd;
}

function level(acr: Acr): number {
  return ACR_VALUES.indexOf(acr);
}

/**
 * The level a relying party asks for with `acr_values` (space-separated, OpenID Connect Core 3.1.2.1):
 * the weakest of the values Kabuto knows (any of them would do); unknown values are ignored; none known:
 * nothing asked.
 */
export function requestedAcr(acrValues: string | undefined): Acr | undefined {
  const known = (acrValues ?? '')
    .split(' ')
    .filter((value): value is Acr => (ACR_VALUES as readonly string[]).includes(value))
    .sort((a, b) => level(a) - level(b));
  return known[0];
}

export interface AssuranceRequest {
  acrValues?: string;
  /** OpenID Connect `max_age`, seconds. */
  maxAge?: number;
}

export type StepUp = { needed: false } | { needed: true; acr: Acr; reason: 'acr' | 'max_age' };

/**
 * Whether the session as it stands answers the relying party's request, or a step-up is needed: a
 * stronger acr than the session's, or an authentication older than `max_age` (a fresh second factor on the
 * same session, not a new sign-in). `authTime` is when the session (or its last step-up) authenticated.
 */
export function stepUpFor(amr: readonly string[], authTime: number, request: AssuranceRequest, now: number): StepUp {
  const asked = requestedAcr(request.acrValues);
  const current = acrOfAmr(amr);
  if (asked && level(current) < level(asked)) return { needed: true, acr: asked, reason: 'acr' };
  if (request.maxAge !== undefined && now - authTime > request.maxAge * 1000) {
    // Re-authentication proves at least a second factor (the password is not asked again on a live session).
    const acr = asked && level(asked) > level(ACR.twoFactor) ? asked : ACR.twoFactor;
    return { needed: true, acr, reason: 'max_age' };
  }
  return { needed: false };
}
