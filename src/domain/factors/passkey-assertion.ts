import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Deps } from '../kernel/context.js';
import { recordAudit } from '../kernel/audit.js';
import { asTransports, challengeOfResponse, credentialIdOf, type RelyingParty } from './passkey-ceremony.js';
import type { PasskeyRecord } from '../kernel/factor-store.js';

export interface ExpectedAssertion {
  /** The purpose the WebAuthn challenge was stored under (`login`, `challenge:<id>`). */
  purpose: string;
  /** Whose passkey it must be; null for a discoverable sign-in, where the passkey says whose it is. */
  customerId: string | null;
}

/**
 * One passkey assertion, verified as a straight list of guards; the reason comes back for the log,
 * never for the client (who gets one answer for every failure). The challenge is consumed first,
 * so an assertion is good once however many requests carry it.
 */
export async function verifyPasskeyAssertion(deps: Pick<Deps, 'store' | 'clock' | 'logger' | 'events'>, rp: RelyingParty, response: unknown, expected: ExpectedAssertion): Promise<{ passkey: PasskeyRecord } | { refused: string }> {
  const challenge = challengeOfResponse(response);
  const credentialId = credentialIdOf(response);
  if (!challenge || !credentialId) return { refused: 'malformed response' };
  const now = deps.clock.now();
  if (!(await deps.store.factors.consumeWebAuthnChallenge(challenge, expected.purpose, expected.customerId, now))) return { refused: 'unknown, used or expired challenge' };
  const passkey = await deps.store.factors.findPasskey(credentialId);
  if (!passkey) return { refused: 'unknown credential' };
  if (expected.customerId !== null && passkey.customerId !== expected.customerId) return { refused: 'credential of another customer' };
  const userHandle = (response as { response?: { userHandle?: unknown } }).response?.userHandle;
  if (userHandle !== undefined && userHandle !== Buffer.from(passkey.customerId).toString('base64url')) return { refused: 'user handle does not match' };

  const signed = await verifySignature(rp, challenge, response, passkey);
  if ('refused' in signed) return signed;
  const { newCounter } = signed;
  if (counterRegressed(passkey.counter, newCounter)) {
    const reason = `signature counter ${newCounter} not above the stored ${passkey.counter}`;
    await reportClonedPasskey(deps, passkey, newCounter, reason);
    return { refused: reason };
  }
  // Two uses racing with the same counter: only one may move it.
  if (!(await deps.store.factors.updatePasskeyCounter(passkey.id, passkey.counter, newCounter, now))) return { refused: 'counter moved concurrently' };
  return { passkey };
}

/**
 * The assertion's signature over the challenge, by the stored public key, with user verification: the new
 * signature counter, or why not (the library's message, shortened, for the log). The counter is the caller's to
 * compare (`counterRegressed`): the library is given 0, which turns its own counter check off — that check runs
 * before the signature is verified and speaks only through its message text.
 */
export async function verifySignature(
  rp: RelyingParty,
  challenge: string,
  response: unknown,
  key: { id: string; publicKey: string; transports: string[] },
): Promise<{ newCounter: number } | { refused: string }> {
  try {
    const result = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: key.id, publicKey: new Uint8Array(Buffer.from(key.publicKey, 'base64url')), counter: 0, transports: asTransports(key.transports) },
      requireUserVerification: true,
    });
    return result.verified ? { newCounter: result.authenticationInfo.newCounter } : { refused: 'signature not verified' };
  } catch (error) {
    return { refused: error instanceof Error ? error.message.slice(0, 200) : 'not verified' };
  }
}

/**
 * WebAuthn §6.1.1 (step 21 of verifying an assertion): when either counter is non-zero, the new one
 * must be greater than the stored one. Authenticators that keep no counter (synced passkeys) send 0.
 */
export function counterRegressed(stored: number, received: number): boolean {
  return (stored !== 0 || received !== 0) && received <= stored;
}

/**
 * A signature counter that went backwards means two authenticators hold the same key: a clone.
 * The assertion is refused, and the operator and the audit trail hear of it.
 */
async function reportClonedPasskey(deps: Pick<Deps, 'store' | 'clock' | 'logger' | 'events'>, passkey: PasskeyRecord, receivedCounter: number, reason: string): Promise<void> {
  deps.logger.warn({ alert: 'passkey_counter_regression', customerId: passkey.customerId, passkey: passkey.id.slice(0, 16) }, reason);
  deps.events.sendAlert('passkey_counter_regression');
  await recordAudit(deps, passkey.customerId, 'passkey_counter_regression', { passkey: passkey.id.slice(0, 16), storedCounter: passkey.counter, receivedCounter }, 'system');
}
