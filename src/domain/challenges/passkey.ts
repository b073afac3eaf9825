import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Deps } from '../kernel/context.js';
import { challengeMethods } from './create.js';
import { openChallenge } from './access.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { asTransports, WEBAUTHN_TIMEOUT_MS, type RelyingParty } from '../factors/passkey-ceremony.js';

/** POST /challenges/{id}/passkey-options: request options for this challenge's customer's passkeys. */
export async function startChallengePasskey(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'voice'>,
  rp: RelyingParty,
  challengeId: string,
  requester: { customerId: string | null },
): Promise<PublicKeyCredentialRequestOptionsJSON | Failure> {
  const now = deps.clock.now();
  const opened = await openChallenge(deps, challengeId, requester, now);
  if (isFailure(opened)) return opened;
  const { challenge } = opened;
  const offered = challengeMethods(deps, challenge).map((m) => m.type);
  if (!offered.includes('passkey')) return fail('method_unavailable', { method: 'passkey', available: offered });
  const passkeys = await deps.store.factors.listPasskeys(challenge.customerId);
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: new Uint8Array(deps.random.bytes(32)),
    userVerification: 'required',
    timeout: WEBAUTHN_TIMEOUT_MS,
    allowCredentials: passkeys.map((p) => ({ id: p.id, transports: asTransports(p.transports) })),
  });
  const expiresAt = Math.min(now + WEBAUTHN_TIMEOUT_MS, challenge.expiresAt);
  await deps.store.factors.insertWebAuthnChallenge({ challenge: options.challenge, purpose: `challenge:${challenge.id}`, customerId: challenge.customerId, expiresAt }, now);
  return options;
}
