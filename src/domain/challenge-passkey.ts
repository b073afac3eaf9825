import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Deps } from './context.js';
import { challengeMethods } from './challenge-create.js';
import { checkChallengeUsable } from './challenge-verify.js';
import { fail, type Failure } from './errors.js';
import { asTransports, WEBAUTHN_TIMEOUT_MS, type RelyingParty } from './passkey-ceremony.js';

/** POST /challenges/{id}/passkey-options: request options for this challenge's customer's passkeys. */
export async function startChallengePasskey(
  deps: Deps,
  rp: RelyingParty,
  challengeId: string,
  requester: { customerId: string | null },
): Promise<PublicKeyCredentialRequestOptionsJSON | Failure> {
  const challenge = await deps.store.challenges.findById(challengeId);
  if (!challenge || (challenge.purpose !== 'login' && challenge.customerId !== requester.customerId)) return fail('challenge_not_found');
  const now = deps.clock.now();
  const unusable = await checkChallengeUsable(deps, challenge, now);
  if (unusable) return unusable;
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
