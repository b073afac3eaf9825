import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Deps } from '../kernel/context.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { verifyPasskeyAssertion } from '../factors/passkey-assertion.js';
import { WEBAUTHN_TIMEOUT_MS, type RelyingParty } from '../factors/passkey-ceremony.js';
import { release } from '../kernel/reservations.js';
import { admitSignIn, completeSignIn, logEvent, refuseIfSignInFrozen, refuseSignIn, type Client, type SignedIn } from './sign-in.js';
import { assessSignIn, countNetworkFailure, leaveNetworkGate } from '../risk/sign-in.js';

/** パスキーでログイン, step 1: request options with no credential list (the passkey says whose it is). */
export async function startPasskeyLogin(deps: Pick<Deps, 'store' | 'clock' | 'random'>, rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: new Uint8Array(deps.random.bytes(32)),
    userVerification: 'required',
    timeout: WEBAUTHN_TIMEOUT_MS,
  });
  const now = deps.clock.now();
  await deps.store.factors.insertWebAuthnChallenge({ challenge: options.challenge, purpose: 'login', customerId: null, expiresAt: now + WEBAUTHN_TIMEOUT_MS }, now);
  return options;
}

/**
 * Step 2: a verified discoverable assertion with user verification is both factors at once (the
 * device, and the PIN or biometric that unlocked it). Every refusal answers 401 invalid_credentials
 * and counts against the address like a wrong password.
 */
export async function signInWithPasskey(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'logger' | 'policy' | 'secrets' | 'events' | 'firmName' | 'places'>, rp: RelyingParty, response: unknown, client: Client): Promise<SignedIn | Failure> {
  // Reserved before the assertion is checked (like a password guess), given back on success.
  const admitted = await admitSignIn(deps, client, deps.clock.now());
  if (isFailure(admitted)) return admitted;
  const { addressPlace, gate } = admitted;
  const assertion = await verifyPasskeyAssertion(deps, rp, response, { purpose: 'login', customerId: null });
  const customer = 'passkey' in assertion ? await deps.store.customers.findById(assertion.passkey.customerId) : undefined;
  // A second factor locked by an operator stays locked, whichever factor knocks.
  if (!customer || customer.factorLocked) {
    await logEvent(deps, customer?.id ?? null, customer?.loginId ?? '', client, 'invalid_credentials');
    deps.events.signIn('invalid_credentials');
    await countNetworkFailure(deps, gate);
    deps.logger.info({ passkeyLogin: 'refused', reason: 'refused' in assertion ? assertion.refused : 'factor locked' }, 'passkey sign-in refused');
    return fail('invalid_credentials');
  }
  await release(deps, addressPlace);
  await leaveNetworkGate(deps, gate);
  // ログイン一時停止 first: a frozen sign-in stays shut whatever the risk engine would say.
  const frozen = await refuseIfSignInFrozen(deps, customer, customer.loginId, client);
  if (frozen) return frozen;
  // A passkey is the step-up the risk engine would ask for; only a refusal stops it.
  const risk = await assessSignIn(deps, customer, client);
  if (risk.outcome === 'refuse') return refuseSignIn(deps, customer, client);
  // A passkey with user verification: a hardware-held key and the PIN or biometric that unlocked it (RFC 8176).
  return completeSignIn(deps, customer, client, customer.credentialVersion, ['hwk', 'user', 'mfa']);
}
